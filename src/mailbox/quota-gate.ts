import { GmailError, type QuotaGate, type QuotaTicket } from "../gmail/client";
import { MAX_INLINE_WAIT_MS } from "../sync/plan";
import { paceQuotaCall, type QuotaSpend } from "../sync/quota";
import type { QuotaSpendStore } from "./quota-spends";

/** The reason of the GmailError the gate throws: the sync waits for its own pacer without counting a failure. */
export const LOCAL_QUOTA_PACING = "local_quota_pacing";

/**
 * The mailbox's Gmail quota pacer: sync/quota.ts's arithmetic over the answered spends kept in `spends` (the
 * DO's SQLite, quota-spends.ts, so an eviction does not empty the window) and the calls still in flight, kept
 * here. A spend is recorded when its ticket settles, dated at the answer (QuotaSpend says why); a call cut off
 * by the isolate's death before its answer is not recorded, which costs at most one 429 (backed off).
 * A short wait is slept through, woken early when a call in flight settles; a long one ends the call with a
 * rate_limited GmailError naming when to come back, so the alarm reschedules itself.
 */
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
  const inFlight = new Set<{ units: number }>();
  const waiters = new Set<() => void>();

  /** Sleeps `ms`, or less when a call in flight settles first (its spend's date is then known). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        waiters.delete(wake);
        resolve();
      };
      waiters.add(wake);
      void sleep(ms).then(wake);
    });

  const ticketFor = (call: { units: number }): QuotaTicket => ({
    settle: () => {
      if (!inFlight.delete(call)) return;
      if (call.units > 0) options.spends.record({ at: now(), units: call.units });
      for (const wake of [...waiters]) wake();
    },
  });

  return async (units) => {
    for (;;) {
      const at = now();
      // Calls in flight may be counted by Google at this very moment: dated now (the latest known).
      const flying: QuotaSpend[] = [...inFlight].map((call) => ({ at, units: call.units }));
      // Read and take with no await between: concurrent callers (sync and sends) never both take the last room.
      const decision = paceQuotaCall({
        spent: [...options.spends.live(at), ...flying],
        limitPerMinute: options.limitPerMinute(),
        units,
        now: at,
      });
      if (decision.go) {
        const call = { units };
        inFlight.add(call);
        return ticketFor(call);
      }
      const wait = decision.waitUntil - at;
      if (wait > maxWait) {
        throw new GmailError(
          { kind: "rate_limited", status: null, reason: LOCAL_QUOTA_PACING, retryAt: decision.waitUntil },
          null,
          "quota gate",
        );
      }
      await pause(Math.max(1, wait));
    }
  };
}
