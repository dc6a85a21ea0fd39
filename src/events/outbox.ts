/*
 * The transactional outbox of R29: no change without its event, no event without its change.
 *
 * How to record an event (issues 16, 17, 21 and every emitter here):
 *   1. Build the statements with `recordEvent(...)` (an event whose data you hold) or `recordMessageEvents(...)`
 *      (message.created / message.updated, read from the message row itself) and put `write.statements` in the
 *      SAME D1 batch as the change, AFTER the change's own statements (the fan-out reads what they wrote).
 *      A batch is one transaction: the event commits with the change or not at all. `onlyIf` makes the
 *      event conditional on SQL evaluated inside the batch (e.g. "the row really changed").
 *   2. Right after the batch commits, `await relayEvents(env, db, locationId, write.eventIds)` (relay.ts):
 *      it hands the new deliveries to the events queue. It never throws; if it fails or the isolate dies
 *      first, the cron sweep hands them over later (at least once, never lost).
 * Data holds ids only (types.ts): no subject, text or html. Every statement is scoped by location.
 */
import { sql, type SQL } from "drizzle-orm";
import { chunked, perStatement } from "../db/chunked";
import { newId } from "../db/ids";
import type { EventRecords, EventType, MessageEventType } from "./types";

export interface EventWrite {
  /** Ids of the events these statements may write (a conditional one may not exist after commit). */
  eventIds: string[];
  statements: SQL[];
}

export interface RecordOptions {
  /** SQL condition evaluated inside the batch: the event (and its deliveries) exist only if it holds. */
  onlyIf?: SQL;
}

type PlainEventType = Exclude<EventType, MessageEventType>;

/** One event whose data the caller holds (status changes, degraded sync, deletions, contacts). */
export function recordEvent<T extends PlainEventType>(
  event: { type: T; locationId: string; data: EventRecords[T] },
  now: number,
  options: RecordOptions = {},
): EventWrite {
  const id = newId("evt");
  const condition = options.onlyIf ?? sql`1`;
  const insert = sql`INSERT INTO events (id, location_id, type, data_json, created_at)
    SELECT ${id}, ${event.locationId}, ${event.type}, ${JSON.stringify(event.data)}, ${now} WHERE ${condition}`;
  return { eventIds: [id], statements: [insert, ...fanOut(event.locationId, [id], now)] };
}

// Per row: event id and message id; plus location, type, time and the caller's condition once.
const MESSAGES_PER_INSERT = perStatement(2);

/**
 * message.created / message.updated for messages of one location, each written only if its row exists when
 * the statement runs: after storeMessages' inserts, a message that was a duplicate (not stored) gets none.
 */
export function recordMessageEvents(
  type: MessageEventType,
  locationId: string,
  messageIds: readonly string[],
  now: number,
  options: RecordOptions = {},
): EventWrite {
  const pairs = messageIds.map((messageId) => ({ eventId: newId("evt"), messageId }));
  const statements: SQL[] = [];
  const condition = options.onlyIf ?? sql`1`;
  for (const chunk of chunked(pairs, MESSAGES_PER_INSERT)) {
    const rows = chunk.map((p) => sql`(${p.eventId}, ${p.messageId})`);
    statements.push(sql`INSERT INTO events (id, location_id, type, data_json, created_at)
      SELECT v.column1, m.location_id, ${type},
        json_object('messageId', m.id, 'conversationId', m.conversation_id, 'contactId', m.contact_id), ${now}
      FROM (VALUES ${sql.join(rows, sql`, `)}) v JOIN messages m ON m.location_id = ${locationId} AND m.id = v.column2
      WHERE ${condition}`);
  }
  const eventIds = pairs.map((p) => p.eventId);
  return { eventIds, statements: [...statements, ...fanOut(locationId, eventIds, now)] };
}

/**
 * One delivery per endpoint subscribed to the event's type at this moment (R29: "subscribed at that
 * moment"), written in the event's batch so that the relay and the sweep only ever hand over rows.
 */
function fanOut(locationId: string, eventIds: readonly string[], now: number): SQL[] {
  const statements: SQL[] = [];
  for (const chunk of chunked(eventIds, perStatement())) {
    const ids = chunk.map((id) => sql`${id}`);
    statements.push(sql`INSERT INTO event_deliveries (location_id, event_id, webhook_id, status, attempts,
        next_attempt_at, event_created_at)
      SELECT e.location_id, e.id, w.id, 'pending', 0, ${now}, e.created_at
      FROM events e JOIN webhooks w ON w.location_id = e.location_id AND w.status = 'active'
      WHERE e.location_id = ${locationId} AND e.id IN (${sql.join(ids, sql`, `)})
        AND EXISTS (SELECT 1 FROM json_each(w.events_json) j WHERE j.value = '*' OR j.value = e.type)
      ON CONFLICT DO NOTHING`);
  }
  return statements;
}
