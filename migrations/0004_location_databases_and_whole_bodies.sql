-- R31, issue 13. Every database of LOCATION_DATABASES gets every migration; directory tables stay empty outside DB.
-- A location's database, fixed when the location is created; locations made before this migration live in DB.
ALTER TABLE `locations` ADD `database` text DEFAULT 'DB' NOT NULL;
--> statement-breakpoint
-- How many locations each database holds: a new location goes to the least loaded of LOCATION_DATABASES.
CREATE TABLE `location_databases` (
	`binding` text PRIMARY KEY NOT NULL,
	`locations` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `location_databases` (`binding`, `locations`) SELECT 'DB', count(*) FROM `locations` HAVING count(*) > 0;
--> statement-breakpoint
-- Whole bodies: a body too large for a row well is kept in R2 under this key; the row's column is then NULL.
ALTER TABLE `messages` ADD `text_key` text;
--> statement-breakpoint
ALTER TABLE `messages` ADD `html_key` text;
--> statement-breakpoint
-- UTF-8 bytes of text and html together, wherever they are kept: a page of messages stops before too many.
ALTER TABLE `messages` ADD `body_bytes` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
UPDATE `messages` SET `body_bytes` = coalesce(length(CAST(`text` AS BLOB)), 0) + coalesce(length(CAST(`html` AS BLOB)), 0);
