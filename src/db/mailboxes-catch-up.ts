import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "./database";
import { mailboxes } from "./schema";

/**
 * R22: active mailboxes with no completed sync since `syncedBefore` (never-synced ones included),
 * stalest first, at most `limit`. Mailboxes beyond the limit are reached by the next tick.
 */
export async function listMailboxesDueForCatchUp(db: Database, syncedBefore: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ address: mailboxes.address })
    .from(mailboxes)
    .where(and(eq(mailboxes.status, "active"), or(isNull(mailboxes.lastSyncedAt), lt(mailboxes.lastSyncedAt, syncedBefore))))
    .orderBy(sql`coalesce(${mailboxes.lastSyncedAt}, 0)`, asc(mailboxes.address))
    .limit(limit)
    .all();
  return rows.map((r) => r.address);
}
