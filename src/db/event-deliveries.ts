import { and, asc, eq, gt, isNull, lte, or } from "drizzle-orm";
import type { PageAfter } from "./conversations";
import type { Database } from "./database";
import { eventDeliveries } from "./schema";

export type DeliveryRow = typeof eventDeliveries.$inferSelect;
export type DeliveryStatus = DeliveryRow["status"];

export interface DeliveryKey {
  locationId: string;
  eventId: string;
  webhookId: string;
}

export async function getDelivery(db: Database, key: DeliveryKey): Promise<DeliveryRow | undefined> {
  return db
    .select()
    .from(eventDeliveries)
    .where(
      and(
        eq(eventDeliveries.locationId, key.locationId),
        eq(eventDeliveries.eventId, key.eventId),
        eq(eventDeliveries.webhookId, key.webhookId),
      ),
    )
    .get();
}

export interface AttemptRecord {
  status: DeliveryStatus;
  statusCode: number | null;
  nextAttemptAt: number | null;
}

/**
 * Records one attempt, only if nobody recorded one since `seenAttempts` was read (a repeat of the same
 * queue message running at once): an attempt is counted once. False when another run got there first.
 */
export async function recordAttempt(
  db: Database,
  key: DeliveryKey,
  seenAttempts: number,
  attempt: AttemptRecord,
  now: number,
): Promise<boolean> {
  const result = await db
    .update(eventDeliveries)
    .set({
      status: attempt.status,
      attempts: seenAttempts + 1,
      lastStatusCode: attempt.statusCode,
      lastAttemptAt: now,
      nextAttemptAt: attempt.nextAttemptAt,
    })
    .where(
      and(
        eq(eventDeliveries.locationId, key.locationId),
        eq(eventDeliveries.eventId, key.eventId),
        eq(eventDeliveries.webhookId, key.webhookId),
        eq(eventDeliveries.status, "pending"),
        eq(eventDeliveries.attempts, seenAttempts),
      ),
    )
    .run();
  return result.meta.changes === 1;
}

/** One endpoint's deliveries, oldest event first, optionally of one status. */
export async function listDeliveries(
  db: Database,
  locationId: string,
  webhookId: string,
  options: { status?: DeliveryStatus | undefined; after?: PageAfter | undefined; limit: number },
): Promise<DeliveryRow[]> {
  const after = options.after;
  const d = eventDeliveries;
  return db
    .select()
    .from(d)
    .where(
      and(
        eq(d.locationId, locationId),
        eq(d.webhookId, webhookId),
        options.status ? eq(d.status, options.status) : undefined,
        after
          ? or(gt(d.eventCreatedAt, after.at), and(eq(d.eventCreatedAt, after.at), gt(d.eventId, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(d.eventCreatedAt), asc(d.eventId))
    .limit(options.limit)
    .all();
}

/**
 * Replay: every event of the location since `since` that the endpoint subscribes to now gets a fresh
 * delivery (a delivered or failed one starts over, attempts at zero). Returns the event ids, for the relay.
 */
export async function replayDeliveries(
  db: Database,
  key: { locationId: string; webhookId: string },
  since: number,
  now: number,
): Promise<string[]> {
  const rows = await db.$client
    .prepare(
      `INSERT INTO event_deliveries (location_id, event_id, webhook_id, status, attempts, next_attempt_at, event_created_at)
      SELECT e.location_id, e.id, w.id, 'pending', 0, ?4, e.created_at
      FROM events e JOIN webhooks w ON w.location_id = e.location_id AND w.id = ?2
      WHERE e.location_id = ?1 AND e.created_at >= ?3
        AND EXISTS (SELECT 1 FROM json_each(w.events_json) j WHERE j.value = '*' OR j.value = e.type)
      ON CONFLICT (location_id, event_id, webhook_id) DO UPDATE SET status = 'pending', attempts = 0,
        last_status_code = NULL, last_attempt_at = NULL, next_attempt_at = excluded.next_attempt_at, enqueued_at = NULL
      RETURNING event_id AS eventId`,
    )
    .bind(key.locationId, key.webhookId, since, now)
    .all<{ eventId: string }>();
  return rows.results.map((row) => row.eventId);
}

/** How long a delivery may stay un-handed-over (enqueued null) or overdue in the queue before the sweep acts. */
export const SWEEP_UNHANDED_AFTER_MS = 60_000;
export const SWEEP_OVERDUE_AFTER_MS = 15 * 60_000;

/**
 * The sweep's page of one location database: pending deliveries committed but never handed to the queue
 * (a crash between commit and relay), or whose queued attempt is long overdue (a message the queue lost).
 * Crosses locations on purpose: the rows carry their location, and the consumer reads them scoped by it.
 */
export async function deliveriesToSweep(db: Database, now: number, limit: number): Promise<DeliveryKey[]> {
  const d = eventDeliveries;
  return db
    .select({ locationId: d.locationId, eventId: d.eventId, webhookId: d.webhookId })
    .from(d)
    .where(
      and(
        eq(d.status, "pending"),
        or(
          and(isNull(d.enqueuedAt), lte(d.nextAttemptAt, now - SWEEP_UNHANDED_AFTER_MS)),
          lte(d.nextAttemptAt, now - SWEEP_OVERDUE_AFTER_MS),
        ),
      ),
    )
    .orderBy(asc(d.nextAttemptAt))
    .limit(limit)
    .all();
}
