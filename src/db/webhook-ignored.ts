import { asc, sql } from "drizzle-orm";
import type { Database } from "./database";
import { webhookIgnored } from "./schema";

/** Why an authenticated push was answered 204 and not used (docs/api.md "Gmail push"). */
export type IgnoredPushReason = "bad_envelope" | "bad_data" | "bad_notification" | "unknown_mailbox" | "not_active";

export interface IgnoredPushCount {
  reason: string;
  count: number;
  lastAt: number;
}

/** One more ignored push of this reason: a single upsert, so concurrent pushes never lose a count. */
export async function countIgnoredPush(db: Database, reason: IgnoredPushReason, now: number): Promise<void> {
  await db
    .insert(webhookIgnored)
    .values({ reason, count: 1, lastAt: now })
    .onConflictDoUpdate({
      target: webhookIgnored.reason,
      set: { count: sql`${webhookIgnored.count} + 1`, lastAt: now },
    })
    .run();
}

export async function listIgnoredPushCounts(db: Database): Promise<IgnoredPushCount[]> {
  return db.select().from(webhookIgnored).orderBy(asc(webhookIgnored.reason)).all();
}
