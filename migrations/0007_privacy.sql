-- Issue 17: privacy the user controls (R27, R28). Every table lives in the location's database.

-- R27: a location's lists. JSON arrays of normalised entries (addresses, @domain, bare domains).
CREATE TABLE `location_privacy` (
	`location_id` text PRIMARY KEY NOT NULL,
	`never_log_json` text DEFAULT '[]' NOT NULL,
	`internal_domains_json` text DEFAULT '[]' NOT NULL,
	`skip_bulk_mail` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
-- R27: a user's own never-log list in one location, applied to the mailboxes that user connected there.
CREATE TABLE `user_privacy` (
	`location_id` text NOT NULL,
	`user_id` text NOT NULL,
	`never_log_json` text DEFAULT '[]' NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`location_id`, `user_id`)
);
--> statement-breakpoint
-- R28: a Gmail thread un-logged from a location; no later message of it is stored there again.
CREATE TABLE `unlogged_threads` (
	`location_id` text NOT NULL,
	`mailbox_address` text NOT NULL,
	`gmail_thread_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`location_id`, `mailbox_address`, `gmail_thread_id`)
);
--> statement-breakpoint
-- R28: a contact's erasure, removed in bounded steps; the row holds ids and counts only.
CREATE TABLE `erasures` (
	`location_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`conversation_id` text,
	`status` text NOT NULL,
	`removed_messages` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	PRIMARY KEY(`location_id`, `contact_id`)
);
--> statement-breakpoint
-- R28: stored bytes (R2 keys) whose rows are gone, recorded in the same batch as the rows' removal.
CREATE TABLE `storage_deletions` (
	`location_id` text NOT NULL,
	`storage_key` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`location_id`, `storage_key`)
);
--> statement-breakpoint
-- R28: which message and contact an idempotent send answer holds, so removals can redact it.
ALTER TABLE `idempotency_keys` ADD `message_id` text;
--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `contact_id` text;
--> statement-breakpoint
UPDATE `idempotency_keys` SET
	`message_id` = json_extract(`response_body`, '$.message.id'),
	`contact_id` = json_extract(`response_body`, '$.message.contactId')
WHERE `response_body` IS NOT NULL AND json_valid(`response_body`);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_contact_idx` ON `idempotency_keys` (`location_id`,`contact_id`);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_message_idx` ON `idempotency_keys` (`location_id`,`message_id`);
--> statement-breakpoint
-- Un-log finds a thread's rows; erasure and purge find a conversation's rows (messages_conversation_idx).
CREATE INDEX `messages_location_thread_idx` ON `messages` (`location_id`,`gmail_mailbox`,`gmail_thread_id`);
--> statement-breakpoint
-- Erasure ends the bindings of the contact's conversation.
CREATE INDEX `thread_bindings_conversation_idx` ON `thread_bindings` (`location_id`,`conversation_id`);
