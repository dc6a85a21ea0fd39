-- R30: one decision per Gmail message the sync looked at, per location of the mailbox (written in the same
-- D1 batch as the rows it produces). WITHOUT ROWID: the key is the row, so a decision costs one b-tree entry
-- plus its two indexes. Kept at least 30 days (the cron purges older ones).
CREATE TABLE `sync_decisions` (
	`location_id` text NOT NULL,
	`mailbox_address` text NOT NULL,
	`gmail_message_id` text NOT NULL,
	`decision` text NOT NULL,
	`reason` text,
	`rule` text,
	`message_id` text,
	`decided_at` integer NOT NULL,
	`healed` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`location_id`, `mailbox_address`, `gmail_message_id`)
) WITHOUT ROWID;
--> statement-breakpoint
-- The sync report: a mailbox's decisions of the last days, counted from the index alone.
CREATE INDEX `sync_decisions_report_idx` ON `sync_decisions` (`location_id`, `mailbox_address`, `decided_at`, `decision`, `reason`, `healed`);
--> statement-breakpoint
-- The retention purge, location by location.
CREATE INDEX `sync_decisions_purge_idx` ON `sync_decisions` (`location_id`, `decided_at`);
