import { sql } from "drizzle-orm";
import { directoryDb, locationDb } from "../db/database";
import { purgeDecisions } from "../db/sync-decisions";
import type { Env } from "../env";
import { log } from "../log";

/** The cron runs every 5 minutes: 288 ticks a day, each purging the locations of its slice. */
const TICK_MS = 5 * 60 * 1000;
export const PURGE_SLICES = 288;
/** Rows one location may lose per tick: a day's decisions of a busy location, bounded per call. */
const PURGE_ROWS_PER_LOCATION = 5_000;

/**
 * R30's decisions are kept at least 30 days (DECISION_RETENTION_MS); each location's older ones go once a
 * day, the locations spread over the day's ticks by rowid so that no tick does the whole directory.
 */
export async function purgeExpiredDecisions(env: Env, now: number): Promise<number> {
  const slice = Math.floor(now / TICK_MS) % PURGE_SLICES;
  const ids = await directoryDb(env).all<{ id: string }>(
    sql`SELECT id FROM locations WHERE rowid % ${PURGE_SLICES} = ${slice}`,
  );
  let purged = 0;
  for (const { id } of ids) {
    try {
      purged += await purgeDecisions(await locationDb(env, id), id, now, PURGE_ROWS_PER_LOCATION);
    } catch (error) {
      log.warn("decision_purge_failed", { locationId: id, error });
    }
  }
  if (purged > 0) log.info("decisions_purged", { locations: ids.length, purged });
  return purged;
}
