import { sql } from "drizzle-orm";
import type { Database } from "./database";
import type { RemovableMessage } from "./message-removal";

/*
 * What R28's removals look for, a bounded page at a time. A removal deletes what it found, so the next page
 * starts from the top again: no cursor to keep between steps or invocations.
 */

/** Messages of one Gmail thread of a mailbox in the location (un-log). */
export async function threadMessages(
  db: Database,
  thread: { locationId: string; mailbox: string; threadId: string },
  limit: number,
): Promise<RemovableMessage[]> {
  return db.all<RemovableMessage>(sql`SELECT id, conversation_id AS conversationId FROM messages
    WHERE location_id = ${thread.locationId} AND gmail_mailbox = ${thread.mailbox} AND gmail_thread_id = ${thread.threadId}
    LIMIT ${limit}`);
}

/** Messages of one conversation (erasure). */
export async function conversationMessages(
  db: Database,
  locationId: string,
  conversationId: string,
  limit: number,
): Promise<RemovableMessage[]> {
  return db.all<RemovableMessage>(sql`SELECT id, conversation_id AS conversationId FROM messages
    WHERE location_id = ${locationId} AND conversation_id = ${conversationId} LIMIT ${limit}`);
}

/**
 * Purge (R28): messages of conversations whose contact's address matches an entry. Entries are normalised
 * never-log entries: an address matches itself, `@acme.com` matches addresses ending in it (an address's
 * domain is what follows its last at sign, and a domain holds no at sign, so the suffix is exactly R27's rule).
 */
function matchingContactMessages(locationId: string, entries: readonly string[]) {
  return sql`FROM contacts ct
    JOIN conversations c ON c.location_id = ct.location_id AND c.contact_id = ct.id
    JOIN messages m ON m.location_id = c.location_id AND m.conversation_id = c.id
    WHERE ct.location_id = ${locationId} AND EXISTS (SELECT 1 FROM json_each(${JSON.stringify(entries)}) e
      WHERE ct.email = e.value OR (substr(e.value, 1, 1) = '@' AND substr(ct.email, -length(e.value)) = e.value))`;
}

export async function countPurgeMatches(db: Database, locationId: string, entries: readonly string[]): Promise<number> {
  const row = await db.get<{ n: number }>(sql`SELECT count(*) AS n ${matchingContactMessages(locationId, entries)}`);
  return row?.n ?? 0;
}

export async function purgeMatches(
  db: Database,
  locationId: string,
  entries: readonly string[],
  limit: number,
): Promise<RemovableMessage[]> {
  return db.all<RemovableMessage>(
    sql`SELECT m.id AS id, m.conversation_id AS conversationId ${matchingContactMessages(locationId, entries)} LIMIT ${limit}`,
  );
}
