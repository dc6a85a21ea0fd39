-- R26: a message's Gmail state. `unread` is Gmail's UNREAD label on the message in its mailbox (false for
-- mail Gmail was not involved in and for CRM sends); `gmail_state` is present | trashed | deleted and only
-- means something where gmail_message_id is set (the API shows null otherwise).
ALTER TABLE `messages` ADD `unread` integer DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE `messages` ADD `gmail_state` text DEFAULT 'present' NOT NULL;
