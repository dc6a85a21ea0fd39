CREATE TABLE `oauth_state_uses` (
	`state_id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `oauth_state_uses_expires_idx` ON `oauth_state_uses` (`expires_at`);--> statement-breakpoint
CREATE INDEX `mailboxes_status_watch_idx` ON `mailboxes` (`status`,`watch_expires_at`);