import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { chunked, perStatement } from "../db/chunked";
import type { Database } from "../db/database";
import { eventDeliveries } from "../db/schema";
import type { DeliveryJob } from "./types";

/** The producer binding of the events queue (wrangler.toml `EVENTS_QUEUE`). */
export type EventsQueue = Queue<DeliveryJob>;

// Queues: at most 100 messages per sendBatch.
const MESSAGES_PER_SEND = 100;

/**
 * Hands deliveries to the queue, then marks them handed over. A crash between the two only means the
 * sweep hands them over again: a repeat attempt with the same event id, which the CRM drops (R29).
 */
export async function enqueueDeliveries(
  queue: EventsQueue,
  db: Database,
  jobs: readonly DeliveryJob[],
  now: number,
  delaySeconds = 0,
): Promise<void> {
  for (const slice of chunked(jobs, MESSAGES_PER_SEND)) {
    await queue.sendBatch(slice.map((body) => ({ body, contentType: "json" as const, delaySeconds })));
    await markEnqueued(db, slice, now);
  }
}

// Two bound parameters per delivery (event and endpoint); the location and the time once.
const KEYS_PER_UPDATE = perStatement(2);

async function markEnqueued(db: Database, jobs: readonly DeliveryJob[], now: number): Promise<void> {
  for (const slice of chunked(jobs, KEYS_PER_UPDATE)) {
    for (const locationId of new Set(slice.map((job) => job.locationId))) {
      const keys = slice
        .filter((job) => job.locationId === locationId)
        .map((job) => sql`(${job.eventId}, ${job.webhookId})`);
      await db
        .update(eventDeliveries)
        // Due from now on: the sweep leaves it alone until it is overdue again.
        .set({ enqueuedAt: now, nextAttemptAt: sql`max(coalesce(${eventDeliveries.nextAttemptAt}, 0), ${now})` })
        .where(
          and(
            eq(eventDeliveries.locationId, locationId),
            sql`(${eventDeliveries.eventId}, ${eventDeliveries.webhookId}) IN (VALUES ${sql.join(keys, sql`, `)})`,
          ),
        )
        .run();
    }
  }
}

/** Deliveries of these events that were committed but not yet handed to the queue. */
export async function unhandedDeliveries(
  db: Database,
  locationId: string,
  eventIds: readonly string[],
): Promise<DeliveryJob[]> {
  const jobs: DeliveryJob[] = [];
  for (const ids of chunked(eventIds, perStatement())) {
    const rows = await db
      .select({ eventId: eventDeliveries.eventId, webhookId: eventDeliveries.webhookId })
      .from(eventDeliveries)
      .where(
        and(
          eq(eventDeliveries.locationId, locationId),
          inArray(eventDeliveries.eventId, ids),
          isNull(eventDeliveries.enqueuedAt),
          eq(eventDeliveries.status, "pending"),
        ),
      )
      .all();
    jobs.push(...rows.map((row) => ({ locationId, ...row })));
  }
  return jobs;
}
