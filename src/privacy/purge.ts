import { locationDb } from "../db/database";
import { countPurgeMatches, purgeMatches } from "../db/removal-selects";
import { removeStep, REMOVAL_STEP_MESSAGES, type RemovalEnv } from "./remove-step";
import { sweepStorage } from "./storage-sweep";

/** Messages one purge request removes at most (D1's per-invocation limits); a repeat removes the rest. */
export const PURGE_MESSAGES_PER_REQUEST = 5 * REMOVAL_STEP_MESSAGES;

export interface PurgeOutcome {
  matched: number;
  removed: number;
  /** Still matched after this request (0 once done): the same request again removes them. */
  remaining: number;
}

/**
 * R28: never-log entries applied to mail already synced. A dry run counts what the real run removes: the
 * same query decides both (messages of conversations whose contact's address matches an entry). A real run
 * removes at most PURGE_MESSAGES_PER_REQUEST, a bounded step at a time; repeating it finishes the job, since
 * each step takes what still matches.
 */
export async function purgeEntries(
  env: RemovalEnv,
  locationId: string,
  entries: readonly string[],
  dryRun: boolean,
  now: number,
): Promise<PurgeOutcome> {
  const db = await locationDb(env, locationId);
  const matched = await countPurgeMatches(db, locationId, entries);
  if (dryRun || matched === 0) return { matched, removed: 0, remaining: matched };
  let removed = 0;
  while (removed < PURGE_MESSAGES_PER_REQUEST) {
    const page = await purgeMatches(
      db,
      locationId,
      entries,
      Math.min(REMOVAL_STEP_MESSAGES, PURGE_MESSAGES_PER_REQUEST - removed),
    );
    if (page.length === 0) break;
    removed += await removeStep(env, db, locationId, page, "purge", now);
  }
  await sweepStorage(db, env.ATTACHMENTS, locationId);
  const remaining = removed < matched ? await countPurgeMatches(db, locationId, entries) : 0;
  return { matched, removed, remaining };
}
