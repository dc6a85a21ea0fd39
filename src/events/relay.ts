import type { Database } from "../db/database";
import { log } from "../log";
import { enqueueDeliveries, unhandedDeliveries, type EventsQueue } from "./enqueue";

/**
 * Called right after the batch holding the events commits (see outbox.ts). Never throws: the change is
 * already committed and must not look failed; what is not handed over now, the cron sweep hands over.
 */
export async function relayEvents(
  env: { EVENTS_QUEUE: EventsQueue },
  db: Database,
  locationId: string,
  eventIds: readonly string[],
  now: number = Date.now(),
): Promise<void> {
  if (eventIds.length === 0) return;
  try {
    const jobs = await unhandedDeliveries(db, locationId, eventIds);
    await enqueueDeliveries(env.EVENTS_QUEUE, db, jobs, now);
  } catch (error) {
    log.warn("event_relay_failed", { locationId, events: eventIds.length, error });
  }
}
