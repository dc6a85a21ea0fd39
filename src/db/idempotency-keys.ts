import { and, eq, lt, or, sql } from "drizzle-orm";
import type { Database } from "./database";
import { idempotencyKeys } from "./schema";

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;

export async function getIdempotencyKey(
  db: Database,
  locationId: string,
  key: string,
): Promise<IdempotencyKeyRow | undefined> {
  return db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.locationId, locationId), eq(idempotencyKeys.key, key)))
    .get();
}

/**
 * Claims a key for one request: inserts it `in_progress`, or takes over a row that has expired or whose
 * `in_progress` lease ran out (its request died). One statement, so two concurrent claims cannot both win.
 * Returns the claimed row, or undefined when another request holds the key.
 */
export async function claimIdempotencyKey(
  db: Database,
  row: { locationId: string; key: string; requestHash: string; now: number; expiresAt: number; staleBefore: number },
): Promise<IdempotencyKeyRow | undefined> {
  const t = idempotencyKeys;
  return db
    .insert(t)
    .values({
      locationId: row.locationId,
      key: row.key,
      requestHash: row.requestHash,
      state: "in_progress",
      createdAt: row.now,
      expiresAt: row.expiresAt,
    })
    .onConflictDoUpdate({
      target: [t.locationId, t.key],
      // An expired key starts over; a stale in-progress one (same body only) is resumed with its createdAt
      // kept, so the send it started keeps its Message-ID and R25's Sent search can find it.
      set: {
        requestHash: row.requestHash,
        state: "in_progress",
        responseStatus: null,
        createdAt: sql`CASE WHEN ${t.expiresAt} < ${row.now} THEN ${row.now} ELSE ${t.createdAt} END`,
        expiresAt: sql`CASE WHEN ${t.expiresAt} < ${row.now} THEN ${row.expiresAt} ELSE ${t.expiresAt} END`,
      },
      setWhere: or(
        lt(t.expiresAt, row.now),
        and(eq(t.state, "in_progress"), eq(t.responseStatus, FAILED_ATTEMPT)),
        and(eq(t.state, "in_progress"), lt(t.createdAt, row.staleBefore), eq(t.requestHash, row.requestHash)),
      ),
    })
    .returning()
    .get();
}

export async function completeIdempotencyKey(
  db: Database,
  row: { locationId: string; key: string; responseStatus: number; responseBody: string },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({
      state: "done",
      responseStatus: row.responseStatus,
      responseBody: row.responseBody,
      // R28: which message and contact the answer shows, so that un-log and erasure can redact it.
      messageId: sql`CASE WHEN json_valid(${row.responseBody}) THEN coalesce(json_extract(${row.responseBody}, '$.messageId'), json_extract(${row.responseBody}, '$.message.id')) END`,
      contactId: sql`CASE WHEN json_valid(${row.responseBody}) THEN json_extract(${row.responseBody}, '$.message.contactId') END`,
    })
    .where(and(eq(idempotencyKeys.locationId, row.locationId), eq(idempotencyKeys.key, row.key)))
    .run();
}

/**
 * `responseStatus` of an in-progress row whose attempt failed: the key is free again for any body, but the
 * row keeps its createdAt, so a retry rebuilds the same Message-ID and R25's Sent search can find an email
 * whose answer was lost. (A failed request stores no answer: docs/api.md's "a request that fails writes nothing".)
 */
export const FAILED_ATTEMPT = 0;

export async function releaseIdempotencyKey(db: Database, locationId: string, key: string): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ responseStatus: FAILED_ATTEMPT })
    .where(
      and(
        eq(idempotencyKeys.locationId, locationId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.state, "in_progress"),
      ),
    )
    .run();
}
