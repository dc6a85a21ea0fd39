import { GmailError, type QuotaGate } from "../gmail/client";
import { MAX_INLINE_WAIT_MS } from "../sync/plan";
import { paceQuotaCall, pruneQuotaSpends, type QuotaSpend } from "../sync/quota";

/**
 * The mailbox's Gmail quota pacer (sync/quota.ts's arithmetic, spends kept in memory: an evicted object
 * starts with an empty window, and Google's own 429s, rare by then, are handled by backoff). A short
 * wait is slept through; a long one ends the call with a rate_limited GmailError naming when to come
 * back, so the alarm reschedules itself instead of holding the object awake.
 */
export function createQuotaGate(options: {
  limitPerMinute: () => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  maxInlineWaitMs?: number;
}): QuotaGate {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWait = options.maxInlineWaitMs ?? MAX_INLINE_WAIT_MS;
  let spent: QuotaSpend[] = [];
  return async (units) => {
    for (;;) {
      const at = now();
      spent = pruneQuotaSpends(spent, at);
      const decision = paceQuotaCall({ spent, limitPerMinute: options.limitPerMinute(), units, now: at });
      if (decision.go) {
        spent.push({ at, units });
        return;
      }
      const wait = decision.waitUntil - at;
      if (wait > maxWait) {
        throw new GmailError({ kind: "rate_limited", status: null, reason: "local_quota_pacing", retryAt: decision.waitUntil }, null, "quota gate");
      }
      await sleep(Math.max(1, wait));
    }
  };
}
