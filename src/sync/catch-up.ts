/** R22: a mailbox with no completed sync for this long is synced by the cron. */
export const CATCH_UP_AFTER_MS = 10 * 60 * 1000;
/** Catch-ups of one tick are spread over this window (less than the 5-minute cron period). */
export const CATCH_UP_SPREAD_MS = 4 * 60 * 1000;

/**
 * When a mailbox's catch-up runs within the tick's window: a stable hash of its address, so that a
 * large fleet reaches Google evenly spread and each mailbox keeps about the same slot tick after tick.
 */
export function catchUpAt(address: string, now: number, spreadMs: number = CATCH_UP_SPREAD_MS): number {
  let hash = 2166136261;
  for (let i = 0; i < address.length; i++) {
    hash ^= address.charCodeAt(i);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return now + (spreadMs <= 0 ? 0 : hash % spreadMs);
}
