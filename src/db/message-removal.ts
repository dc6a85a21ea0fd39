import { sql, type SQL } from "drizzle-orm";
import type { Database } from "./database";
import { runBatch } from "./run-batch";

/*
 * The SQL of R28's removals (un-log, purge, erasure). Ids travel as one JSON array bound to one parameter
 * (json_each), so a step of any size stays under D1's 100 bound parameters.
 */

/** A stored message as a removal needs it: its id and the conversation it is counted in. */
export interface RemovableMessage {
  id: string;
  conversationId: string;
}

/** What one removal step deletes, said with ids only (R29's message.deleted names no content). */
export interface RemovedGroup {
  conversationId: string;
  messageIds: string[];
}

// The answer a repeat of a send under an Idempotency-Key gets once the message it sent is removed: the
// stored answer held the message's content, so it goes; the send is never repeated.
const REDACTED_ANSWER = JSON.stringify({
  error: {
    code: "not_found",
    message:
      "The message this request sent was removed from the CRM (un-log or erasure); it was sent and is not sent again.",
  },
});

const ids = (list: readonly string[]) => sql`(SELECT value FROM json_each(${JSON.stringify(list)}))`;

/**
 * The statements that remove these messages of one location: their attachment rows, the R2 keys of their
 * bytes and bodies recorded for deletion (same transaction, so no key is forgotten), the rows, the conversations'
 * counters, and the idempotent answers that showed them. `extra` statements join the same batch.
 */
export function removalStatements(locationId: string, messages: readonly RemovableMessage[], now: number): SQL[] {
  const messageIds = messages.map((m) => m.id);
  const conversationIds = [...new Set(messages.map((m) => m.conversationId))];
  return [
    sql`INSERT INTO storage_deletions (location_id, storage_key, created_at)
      SELECT location_id, storage_key, ${now} FROM attachments
      WHERE location_id = ${locationId} AND message_id IN ${ids(messageIds)} AND storage_key IS NOT NULL
      ON CONFLICT DO NOTHING`,
    // Whole bodies kept in R2 (R31) go with their rows too.
    sql`INSERT INTO storage_deletions (location_id, storage_key, created_at)
      SELECT location_id, body_key, ${now} FROM (
        SELECT location_id, text_key AS body_key FROM messages WHERE location_id = ${locationId} AND id IN ${ids(messageIds)}
        UNION ALL
        SELECT location_id, html_key FROM messages WHERE location_id = ${locationId} AND id IN ${ids(messageIds)})
      WHERE body_key IS NOT NULL
      ON CONFLICT DO NOTHING`,
    sql`DELETE FROM attachments WHERE location_id = ${locationId} AND message_id IN ${ids(messageIds)}`,
    // R30's decisions keep their verdict but no longer point at a removed row (explain names no removed id).
    sql`UPDATE sync_decisions SET message_id = NULL WHERE location_id = ${locationId}
      AND (mailbox_address, gmail_message_id) IN (SELECT gmail_mailbox, gmail_message_id FROM messages
        WHERE location_id = ${locationId} AND id IN ${ids(messageIds)} AND gmail_message_id IS NOT NULL)`,
    sql`DELETE FROM messages WHERE location_id = ${locationId} AND id IN ${ids(messageIds)}`,
    sql`UPDATE idempotency_keys SET response_status = 404, response_body = ${REDACTED_ANSWER}
      WHERE location_id = ${locationId} AND message_id IN ${ids(messageIds)} AND state = 'done'`,
    sql`UPDATE conversations SET
        message_count = (SELECT count(*) FROM messages m WHERE m.location_id = conversations.location_id
          AND m.conversation_id = conversations.id),
        last_message_at = (SELECT max(m.sent_at) FROM messages m WHERE m.location_id = conversations.location_id
          AND m.conversation_id = conversations.id)
      WHERE location_id = ${locationId} AND id IN ${ids(conversationIds)}`,
  ];
}

/** Erasure: every idempotent answer that showed a message of this contact (R28: nothing of theirs stays readable). */
export function redactContactAnswers(locationId: string, contactId: string): SQL {
  return sql`UPDATE idempotency_keys SET response_status = 404, response_body = ${REDACTED_ANSWER}
    WHERE location_id = ${locationId} AND contact_id = ${contactId} AND state = 'done'`;
}

/**
 * Erasure (R28 with R29): the contact's earlier events leave the 7-day event log, with their deliveries, so
 * nothing of theirs can be read back or replayed: events naming the contact, and the message.deleted events
 * of their conversation (an earlier un-log or purge).
 */
export function forgetContactEvents(locationId: string, contactId: string, conversationId: string | null): SQL[] {
  const theirs = sql`SELECT id FROM events WHERE location_id = ${locationId} AND (
    json_extract(data_json, '$.contactId') = ${contactId}
    OR (type = 'message.deleted' AND json_extract(data_json, '$.conversationId') = ${conversationId}))`;
  return [
    sql`DELETE FROM event_deliveries WHERE location_id = ${locationId} AND event_id IN (${theirs})`,
    sql`DELETE FROM events WHERE location_id = ${locationId} AND id IN (${theirs})`,
  ];
}

/** The removed ids grouped by conversation, in the order given. */
export function groupByConversation(messages: readonly RemovableMessage[]): RemovedGroup[] {
  const groups = new Map<string, string[]>();
  for (const m of messages) groups.set(m.conversationId, [...(groups.get(m.conversationId) ?? []), m.id]);
  return [...groups].map(([conversationId, messageIds]) => ({ conversationId, messageIds }));
}

export async function runRemoval(db: Database, statements: SQL[]): Promise<void> {
  await runBatch(db, statements);
}
