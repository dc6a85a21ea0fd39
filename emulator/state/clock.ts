import type { Account } from "./types";

/**
 * Google's time. Each account has its own offset so a test can move one mailbox a week ahead
 * (token expiry, watch expiration, history retention, quota windows) without touching the others.
 */
export interface Clock {
  /** Real time (or the factory's injected time), for things no account owns. */
  base(): number;
  of(account: Account): number;
}

export function createClock(now: () => number = Date.now): Clock {
  return {
    base: now,
    of: (account) => now() + account.clockOffsetMs,
  };
}
