import { allLocationDatabases, type Database } from "../db/database";
import { deliveriesToSweep } from "../db/event-deliveries";
import { purgeEventsBefore } from "../db/events";
import type { Env } from "../env";
import { log } from "../log";
import { enqueueDeliveries } from "./enqueue";
import { EVENT_RETENTION_MS } from "./retention";

// Per cron tick and database: enough for a crash's backlog, bounded so that the tick stays short.
const SWEEP_PAGE = 500;
const SWEEP_PAGES_PER_TICK = 10;
const PURGE_ROWS_PER_STATEMENT = 1000;
const PURGE_ROUNDS_PER_TICK = 20;

/** Every database that holds locations' data (events live beside the changes they report). */
function locationDatabases(env: Env): Database[] {
  return allLocationDatabases(env).map((entry) => entry.db);
}

/**
 * The relay's safety net (R29): deliveries committed but never handed to the queue (the isolate died
 * between commit and relay) or whose queued attempt is long overdue are handed over again.
 */
export async function sweepUnhandedDeliveries(env: Env, now: number): Promise<number> {
  let handed = 0;
  for (const db of locationDatabases(env)) {
    for (let page = 0; page < SWEEP_PAGES_PER_TICK; page += 1) {
      const jobs = await deliveriesToSweep(db, now, SWEEP_PAGE);
      if (jobs.length === 0) break;
      await enqueueDeliveries(env.EVENTS_QUEUE, db, jobs, now);
      handed += jobs.length;
      if (jobs.length < SWEEP_PAGE) break;
    }
  }
  if (handed > 0) log.warn("event_deliveries_swept", { handed });
  return handed;
}

/** R29's 7 days: older events and deliveries go. */
export async function purgeOldEvents(env: Env, now: number): Promise<number> {
  let removed = 0;
  for (const db of locationDatabases(env)) {
    for (let round = 0; round < PURGE_ROUNDS_PER_TICK; round += 1) {
      const gone = await purgeEventsBefore(db, now - EVENT_RETENTION_MS, PURGE_ROWS_PER_STATEMENT);
      removed += gone;
      if (gone === 0) break;
    }
  }
  return removed;
}
