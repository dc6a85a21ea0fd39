import { and, eq, inArray } from "drizzle-orm";
import { chunked, perStatement } from "./chunked";
import type { Database } from "./database";
import { storageDeletions } from "./schema";

// R2's delete takes at most 1,000 keys per call.
export const STORAGE_KEYS_PER_DELETE = 1_000;

/** The R2 keys a removal recorded (message-removal.ts) and that are not deleted yet, oldest first. */
export async function pendingStorageDeletions(db: Database, locationId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ key: storageDeletions.storageKey })
    .from(storageDeletions)
    .where(eq(storageDeletions.locationId, locationId))
    .orderBy(storageDeletions.createdAt)
    .limit(limit)
    .all();
  return rows.map((r) => r.key);
}

/** Forgets keys once R2 has deleted them. */
export async function forgetStorageDeletions(db: Database, locationId: string, keys: readonly string[]): Promise<void> {
  for (const chunk of chunked(keys, perStatement())) {
    await db
      .delete(storageDeletions)
      .where(and(eq(storageDeletions.locationId, locationId), inArray(storageDeletions.storageKey, chunk)))
      .run();
  }
}
