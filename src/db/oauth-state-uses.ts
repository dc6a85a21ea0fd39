import { eq, lte } from "drizzle-orm";
import type { Database } from "./database";
import { oauthStateUses } from "./schema";

/**
 * Marks an OAuth state used. True the first time only: the primary key makes two concurrent callbacks
 * with the same state race in D1, and exactly one insert wins.
 */
export async function consumeStateId(db: Database, stateId: string, expiresAt: number): Promise<boolean> {
  const inserted = await db
    .insert(oauthStateUses)
    .values({ stateId, expiresAt })
    .onConflictDoNothing()
    .returning({ stateId: oauthStateUses.stateId })
    .all();
  return inserted.length === 1;
}

/** Expired states are refused on their own expiry, so their use records can go. */
export async function purgeExpiredStateUses(db: Database, now: number): Promise<void> {
  await db.delete(oauthStateUses).where(lte(oauthStateUses.expiresAt, now)).run();
}

/** Whether a state was already spent: read only to tell a replay from a callback in the wrong browser. */
export async function isStateIdUsed(db: Database, stateId: string): Promise<boolean> {
  const rows = await db
    .select({ stateId: oauthStateUses.stateId })
    .from(oauthStateUses)
    .where(eq(oauthStateUses.stateId, stateId))
    .limit(1)
    .all();
  return rows.length === 1;
}
