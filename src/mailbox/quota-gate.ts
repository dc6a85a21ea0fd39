import { GmailError, type QuotaGate } from "../gmail/client";
import { MAX_INLINE_WAIT_MS } from "../sync/plan";
import { paceQuotaCall } from "../sync/quota";
import type { QuotaSpendStore } from "./quota-spends";

/**
 * The mailbox's Gmail quota pacer: sync/quota.ts's arithmetic over the spends kept in `spends` (the DO's
 * SQLite, quota-spends.ts, so an eviction does not empty the window). A short wait is slept through; a
 * long one ends the call with a rate_limited GmailError naming when to come back, so the alarm
 * reschedules itself instead of holding the object awake.
 */
/** The reason of the GmailError the gate throws: the sync waits for its own pacer without counting a failure. */
export const LOCAL_QUOTA_PACING = "local_quota_pacing";

export function createQuotaGate(options: {
  limitPerMinute: () => number;
  spends: QuotaSpendStore;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  maxInlineWaitMs?: number;
}): QuotaGate {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWait = options.maxInlineWaitMs ?? MAX_INLINE_WAIT_MS;
  return async (units) => {
    for (;;) {
      const at = now();
      // Read and record with no await between: concurrent callers (sync and sends) never both take the last room.
      const decision = paceQuotaCall({
        spent: options.spends.live(at),
        limitPerMinute: options.limitPerMinute(),
        units,
        now: at,
      });
      if (decision.go) {
        options.spends.record({ at, units });
        return;
      }
      const wait = decision.waitUntil - at;
      if (wait > maxWait) {
        throw new GmailError(
          { kind: "rate_limited", status: null, reason: LOCAL_QUOTA_PACING, retryAt: decision.waitUntil },
          null,
          "quota gate",
        );
      }
      await sleep(Math.max(1, wait));
    }
  };
}
