-- R31/R22, issue 13: the Gmail message whose import bound the thread (NULL for a CRM send's take-over, R14). A mailbox whose locations sit on several
-- databases commits a chunk database by database; when a re-run follows a crash in between, a binding its own
-- chunk made in one database must not turn the same messages away from the others (sync/route-chunk.ts).
ALTER TABLE `thread_bindings` ADD `bound_by_gmail_message_id` text;
