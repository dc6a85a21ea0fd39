import { and, asc, eq, gt, gte, or } from "drizzle-orm";
import type { PageAfter } from "./conversations";
import type { Database } from "./database";
import { events } from "./schema";

export type EventRow = typeof events.$inferSelect;

export async function getEvent(db: Database, locationId: string, eventId: string): Promise<EventRow | undefined> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.locationId, locationId), eq(events.id, eventId)))
    .get();
}

/** Oldest first, from `since` on, optionally of one type; `after` continues a page or an earlier read. */
export async function listEvents(
  db: Database,
  locationId: string,
  options: { since: number; type?: string | undefined; after?: PageAfter | undefined; limit: number },
): Promise<EventRow[]> {
  const after = options.after;
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.locationId, locationId),
        gte(events.createdAt, options.since),
        options.type ? eq(events.type, options.type) : undefined,
        after
          ? or(gt(events.createdAt, after.at), and(eq(events.createdAt, after.at), gt(events.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(events.createdAt), asc(events.id))
    .limit(options.limit)
    .all();
}

/**
 * The cron's purge of one location database (R29: events are kept 7 days): events and deliveries older
 * than `before`, at most `limit` rows of each per call. Crosses locations on purpose: housekeeping of the
 * database, read by no one. Returns how many rows went, so the caller loops until none are left.
 */
export async function purgeEventsBefore(db: Database, before: number, limit: number): Promise<number> {
  const [deliveries, gone] = await db.$client.batch([
    db.$client
      .prepare(`DELETE FROM event_deliveries WHERE rowid IN
        (SELECT rowid FROM event_deliveries WHERE event_created_at < ?1 LIMIT ?2)`)
      .bind(before, limit),
    db.$client
      .prepare("DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE created_at < ?1 LIMIT ?2)")
      .bind(before, limit),
  ]);
  return (deliveries?.meta.changes ?? 0) + (gone?.meta.changes ?? 0);
}
