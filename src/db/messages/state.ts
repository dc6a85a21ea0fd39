import { and, eq, gte, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import type { GmailState } from "../../sync/state-fold";
import { chunked, perStatement } from "../chunked";
import type { Database } from "../database";
import { messages } from "../schema";

/* R26: reading and writing the Gmail state (unread, gmailState) of stored messages, one location at a time. */

export interface StoredGmailState {
  id: string;
  gmailMessageId: string;
  unread: boolean;
  gmailState: GmailState;
}

/** Gmail ids per query: one bound parameter each, beside the location and the mailbox. */
export const GMAIL_IDS_PER_QUERY = perStatement();

/** The stored copies (in this location) of these Gmail messages of `mailbox`; never-synced ids have none. */
export async function readGmailStates(
  db: Database,
  locationId: string,
  mailbox: string,
  gmailMessageIds: readonly string[],
): Promise<StoredGmailState[]> {
  const rows: StoredGmailState[] = [];
  for (const ids of chunked(gmailMessageIds, GMAIL_IDS_PER_QUERY)) {
    const found = await db
      .select({
        id: messages.id,
        gmailMessageId: messages.gmailMessageId,
        unread: messages.unread,
        gmailState: messages.gmailState,
      })
      .from(messages)
      .where(
        and(
          eq(messages.locationId, locationId),
          eq(messages.gmailMailbox, mailbox),
          inArray(messages.gmailMessageId, ids),
        ),
      )
      .all();
    for (const row of found) if (row.gmailMessageId !== null) rows.push({ ...row, gmailMessageId: row.gmailMessageId });
  }
  return rows;
}

export interface GmailStateUpdate {
  id: string;
  unread: boolean;
  gmailState: GmailState;
}

/**
 * The statements that set these rows' state, each a no-op when the row already holds it (so running them
 * twice changes nothing). The caller puts them in one batch with the events they report.
 */
export function gmailStateStatements(locationId: string, updates: readonly GmailStateUpdate[]): SQL[] {
  return updates.map(
    (u) => sql`UPDATE messages SET unread = ${u.unread ? 1 : 0}, gmail_state = ${u.gmailState}
      WHERE location_id = ${locationId} AND id = ${u.id} AND (unread <> ${u.unread ? 1 : 0} OR gmail_state <> ${u.gmailState})`,
  );
}

/** The CRM's own state of a message Gmail does not hold (BCC-logged, sent through the location provider). */
export function crmUnreadStatement(locationId: string, messageId: string, unread: boolean): SQL {
  return sql`UPDATE messages SET unread = ${unread ? 1 : 0}
    WHERE location_id = ${locationId} AND id = ${messageId} AND gmail_message_id IS NULL AND unread <> ${unread ? 1 : 0}`;
}

/**
 * After a history gap (R6/R22 catch-up): the Gmail ids of this mailbox's messages stored in the location
 * that the gap may have changed, those stored or sent since `since`, not known deleted.
 */
export async function gmailIdsSince(
  db: Database,
  locationId: string,
  mailbox: string,
  since: number,
): Promise<string[]> {
  const rows = await db
    .select({ gmailMessageId: messages.gmailMessageId })
    .from(messages)
    .where(
      and(
        eq(messages.locationId, locationId),
        eq(messages.gmailMailbox, mailbox),
        ne(messages.gmailState, "deleted"),
        or(gte(messages.createdAt, since), gte(messages.sentAt, since)),
      ),
    )
    .all();
  return rows.flatMap((r) => (r.gmailMessageId === null ? [] : [r.gmailMessageId]));
}
