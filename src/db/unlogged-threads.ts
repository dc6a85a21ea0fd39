import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { chunked, perStatement } from "./chunked";
import type { Database } from "./database";
import { unloggedThreads } from "./schema";

/**
 * R28: the thread leaves the location for good. The tombstone keeps every later message of it out, also one
 * that a sync routed before the tombstone existed: the message store's insert checks it in its own batch
 * (messages/statements.ts admitMessage). The binding goes with it.
 */
export function unlogThreadStatements(locationId: string, mailbox: string, threadId: string, now: number): SQL[] {
  return [
    sql`INSERT INTO unlogged_threads (location_id, mailbox_address, gmail_thread_id, created_at)
      VALUES (${locationId}, ${mailbox}, ${threadId}, ${now}) ON CONFLICT DO NOTHING`,
    sql`DELETE FROM thread_bindings WHERE location_id = ${locationId} AND mailbox_address = ${mailbox}
      AND gmail_thread_id = ${threadId}`,
  ];
}

/** Which of these Gmail threads of the mailbox were un-logged from the location (routing: `unlogged_thread`). */
export async function findUnloggedThreads(
  db: Database,
  locationId: string,
  mailbox: string,
  threadIds: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(threadIds)];
  for (const threadIds of chunked(unique, perStatement())) {
    const rows = await db
      .select({ threadId: unloggedThreads.gmailThreadId })
      .from(unloggedThreads)
      .where(
        and(
          eq(unloggedThreads.locationId, locationId),
          eq(unloggedThreads.mailboxAddress, mailbox),
          inArray(unloggedThreads.gmailThreadId, threadIds),
        ),
      )
      .all();
    for (const row of rows) found.add(row.threadId);
  }
  return found;
}
