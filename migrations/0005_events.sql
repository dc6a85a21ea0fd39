-- R29: events to the CRM. Every table lives in the location's database (location_id first in each key).
-- Written by hand (issue 15): parallel drizzle-kit snapshots would clash.
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`url` text NOT NULL,
	`events_json` text NOT NULL,
	`description` text,
	`status` text NOT NULL,
	`secret_sealed` text NOT NULL,
	`previous_secret_sealed` text,
	`previous_secret_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhooks_location_idx` ON `webhooks` (`location_id`,`created_at`,`id`);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`type` text NOT NULL,
	`data_json` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_location_created_idx` ON `events` (`location_id`,`created_at`,`id`);
--> statement-breakpoint
CREATE INDEX `events_created_idx` ON `events` (`created_at`);
--> statement-breakpoint
CREATE TABLE `event_deliveries` (
	`location_id` text NOT NULL,
	`event_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status_code` integer,
	`last_attempt_at` integer,
	`next_attempt_at` integer,
	`enqueued_at` integer,
	`event_created_at` integer NOT NULL,
	PRIMARY KEY(`location_id`, `event_id`, `webhook_id`)
);
--> statement-breakpoint
CREATE INDEX `event_deliveries_webhook_idx` ON `event_deliveries` (`location_id`,`webhook_id`,`event_created_at`,`event_id`);
--> statement-breakpoint
CREATE INDEX `event_deliveries_due_idx` ON `event_deliveries` (`next_attempt_at`) WHERE status = 'pending';
--> statement-breakpoint
CREATE INDEX `event_deliveries_created_idx` ON `event_deliveries` (`event_created_at`);
