CREATE TABLE `webhook_ignored` (
	`reason` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`last_at` integer NOT NULL
);
