/*
 * R3, pure: when a watch is renewed. Gmail watches last 7 days and Google asks for a renewal every day;
 * renewing after 23 hours keeps "at least daily" true even when a cron tick lands late, and the
 * 2-day margin renews early whenever Google granted a shorter watch.
 */
export const WATCH_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
export const WATCH_RENEW_INTERVAL_MS = 23 * 60 * 60 * 1000;
export const WATCH_RENEW_BEFORE_EXPIRY_MS = 2 * 24 * 60 * 60 * 1000;
/** Backoff after a failed renewal: 5 minutes, doubling, at most an hour; many tries before any watch lapses. */
export const WATCH_RETRY_BASE_MS = 5 * 60 * 1000;
export const WATCH_RETRY_CAP_MS = 60 * 60 * 1000;
/** From this many failures in a row the mailbox shows `watchRenewal.state: "failing"` and logs an error. */
export const WATCH_FAILURES_VISIBLE = 3;

export interface WatchState {
  watchExpiresAt: number | null;
  watchRenewedAt: number | null;
  watchNextAttemptAt: number | null;
}

export type RenewalDecision = "renew" | "not_due" | "backing_off";

export function decideWatchRenewal(watch: WatchState, now: number): RenewalDecision {
  if (watch.watchNextAttemptAt !== null && now < watch.watchNextAttemptAt) return "backing_off";
  if (watch.watchExpiresAt === null || watch.watchRenewedAt === null) return "renew";
  if (now - watch.watchRenewedAt >= WATCH_RENEW_INTERVAL_MS) return "renew";
  if (watch.watchExpiresAt - now <= WATCH_RENEW_BEFORE_EXPIRY_MS) return "renew";
  return "not_due";
}

/** When to try again after `failures` failed renewals in a row (1 for the first). */
export function watchRetryDelayMs(failures: number): number {
  return Math.min(WATCH_RETRY_CAP_MS, WATCH_RETRY_BASE_MS * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}

/**
 * The cron's coarse pre-filter over the D1 mirror (which knows only the expiry): a watch whose expiry is
 * closer than this was set more than WATCH_RENEW_INTERVAL_MS ago, assuming a full 7-day watch.
 */
export function renewalHorizon(now: number): number {
  return now + Math.max(WATCH_LIFETIME_MS - WATCH_RENEW_INTERVAL_MS, WATCH_RENEW_BEFORE_EXPIRY_MS);
}

export type WatchRenewalState = "ok" | "retrying" | "failing" | "expired";

/** What GET …/mailbox shows about renewal, so an operator sees a watch in trouble before it lapses. */
export function watchRenewalState(watch: WatchState & { watchFailures: number }, now: number): WatchRenewalState {
  if (watch.watchExpiresAt !== null && watch.watchExpiresAt <= now) return "expired";
  if (watch.watchFailures >= WATCH_FAILURES_VISIBLE) return "failing";
  if (watch.watchFailures > 0) return "retrying";
  return "ok";
}
