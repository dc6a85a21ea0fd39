/**
 * Pub/Sub push retry: any status but 102, 200, 201, 202, 204 is a failure, and the message comes back after
 * an exponential backoff (a subscription retry policy of 10 s to 600 s). Unacknowledged messages are kept
 * for 7 days, then dropped.
 */
export const ACK_STATUSES: readonly number[] = [102, 200, 201, 202, 204];
export const MIN_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 600_000;
export const ACK_DEADLINE_MS = 10_000;
export const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export function isAck(status: number): boolean {
  return ACK_STATUSES.includes(status);
}

/** Delay before attempt `failures + 1`, after `failures` failed attempts. */
export function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
}
