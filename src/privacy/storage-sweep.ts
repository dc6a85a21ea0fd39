import type { Database } from "../db/database";
import { forgetStorageDeletions, pendingStorageDeletions, STORAGE_KEYS_PER_DELETE } from "../db/storage-deletions";

/**
 * Deletes from R2 the bytes of rows a removal took away (R28: "and their stored bytes"). The keys were
 * recorded in the removal's own D1 batch, so a Worker that dies here leaves them listed, and the next
 * removal in the location (or the erasure's next step) deletes them. R2's delete is idempotent.
 * Returns how many keys were deleted.
 */
export async function sweepStorage(
  db: Database,
  bucket: R2Bucket,
  locationId: string,
  maxKeys = 5 * STORAGE_KEYS_PER_DELETE,
): Promise<number> {
  let deleted = 0;
  while (deleted < maxKeys) {
    const keys = await pendingStorageDeletions(db, locationId, STORAGE_KEYS_PER_DELETE);
    if (keys.length === 0) break;
    await bucket.delete(keys);
    await forgetStorageDeletions(db, locationId, keys);
    deleted += keys.length;
  }
  return deleted;
}
