CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`message_id` text NOT NULL,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`inline` integer DEFAULT false NOT NULL,
	`content_id` text,
	`gmail_part_id` text,
	`storage_key` text,
	`position` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `attachments_message_idx` ON `attachments` (`location_id`,`message_id`,`position`);--> statement-breakpoint
CREATE TABLE `connections` (
	`location_id` text NOT NULL,
	`user_id` text NOT NULL,
	`mailbox_address` text NOT NULL,
	`status` text NOT NULL,
	`connected_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`location_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `connections_location_mailbox_idx` ON `connections` (`location_id`,`mailbox_address`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`assigned_user_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `contacts_location_email_idx` ON `contacts` (`location_id`,`email`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`message_count` integer DEFAULT 0 NOT NULL,
	`last_message_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_location_contact_uq` ON `conversations` (`location_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `conversations_location_activity_idx` ON `conversations` (`location_id`,`last_message_at`,`id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`location_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`location_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `locations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`bcc_token` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `locations_bcc_token_uq` ON `locations` (`bcc_token`);--> statement-breakpoint
CREATE TABLE `mailboxes` (
	`address` text PRIMARY KEY NOT NULL,
	`owner_user_id` text NOT NULL,
	`status` text NOT NULL,
	`last_synced_at` integer,
	`watch_expires_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `members` (
	`location_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`location_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`direction` text NOT NULL,
	`source` text NOT NULL,
	`provider` text,
	`from_email` text NOT NULL,
	`from_name` text,
	`to_json` text DEFAULT '[]' NOT NULL,
	`cc_json` text DEFAULT '[]' NOT NULL,
	`bcc_json` text DEFAULT '[]' NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`text` text,
	`html` text,
	`sent_at` integer NOT NULL,
	`message_id_header` text,
	`gmail_mailbox` text,
	`gmail_message_id` text,
	`gmail_thread_id` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_conversation_idx` ON `messages` (`location_id`,`conversation_id`,`sent_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_location_gmail_uq` ON `messages` (`location_id`,`gmail_mailbox`,`gmail_message_id`) WHERE gmail_message_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `messages_location_message_id_uq` ON `messages` (`location_id`,`message_id_header`) WHERE message_id_header IS NOT NULL;--> statement-breakpoint
CREATE TABLE `thread_bindings` (
	`location_id` text NOT NULL,
	`mailbox_address` text NOT NULL,
	`gmail_thread_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	PRIMARY KEY(`location_id`, `mailbox_address`, `gmail_thread_id`)
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `users_email_idx` ON `users` (`email`);