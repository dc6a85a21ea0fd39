/**
 * R29's retry window (API.md: first retry within a minute, at least 8 attempts over at least 24 hours).
 * Delay after the n-th failed attempt; 10 attempts in all, the last about 26.7 hours after the first.
 * Each delay stays under Queues' 12-hour cap on `delaySeconds`. Pure.
 */
export const RETRY_DELAYS_SECONDS = [30, 120, 600, 1_800, 3_600, 10_800, 21_600, 28_800, 28_800] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

export type AfterFailure = { kind: "retry"; delaySeconds: number; nextAttemptAt: number } | { kind: "failed" };

/** What follows a failed attempt, `attempts` counting it. */
export function planAfterFailure(attempts: number, now: number): AfterFailure {
  const delaySeconds = RETRY_DELAYS_SECONDS[attempts - 1];
  if (delaySeconds === undefined) return { kind: "failed" };
  return { kind: "retry", delaySeconds, nextAttemptAt: now + delaySeconds * 1000 };
}
