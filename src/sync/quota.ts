/**
 * PURE quota arithmetic for one mailbox: pacing Gmail calls under the per-user per-minute quota. Times are Unix
 * ms. (R16's send cap is a send policy: send/send-cap.ts.)
 */

export const QUOTA_WINDOW_MS = 60_000;
/**
 * Plan to 97% of Google's limit: our clock, Google's and calls in flight never line up exactly (a call is
 * recorded here before Google sees it, which only errs on the safe side), and the margin keeps a burst from
 * turning into a storm of 429s while leaving ≥ 95% of the quota usable.
 */
export const QUOTA_SAFETY_RATIO = 0.97;
/**
 * Google enforces the per-user quota as a moving average over short windows (docs/rules.md, reading 9), not as a
 * minute's budget: no second may take more than its share (the minute's figure ÷ 60), and the small burst
 * Google tolerates (two seconds' worth) is never leaned on: two seconds together stay under two shares.
 */
export const QUOTA_SHORT_WINDOWS_MS = [1_000, 2_000] as const;

/** The pacer's limits for a per-minute quota: what one sliding minute, and each short window, may spend. */
export function quotaLimits(limitPerMinute: number, safetyRatio = QUOTA_SAFETY_RATIO) {
  const perSecond = (limitPerMinute / 60) * safetyRatio;
  return {
    minuteBudget: Math.max(1, Math.floor(limitPerMinute * safetyRatio)),
    secondBudget: Math.max(1, Math.floor(perSecond)),
    shortWindows: QUOTA_SHORT_WINDOWS_MS.map((ms) => ({
      ms,
      budget: Math.max(1, Math.floor((perSecond * ms) / 1000)),
    })),
  };
}

/** messages.get costs 5 units: a batch request fits one second's budget, and Google advises ≤ 50 per batch. */
export function messagesPerBatch(limitPerMinute: number): number {
  return Math.min(50, Math.max(1, Math.floor(quotaLimits(limitPerMinute).secondBudget / 5)));
}

/** Units spent by one call at one moment. */
export interface QuotaSpend {
  at: number;
  units: number;
}

export interface PaceInput {
  /** Spends recorded so far; entries older than the window are ignored (see pruneQuotaSpends). */
  spent: readonly QuotaSpend[];
  limitPerMinute: number;
  /** Units the planned call costs. */
  units: number;
  now: number;
  safetyRatio?: number;
}

export type PaceDecision =
  | { go: true; usedInWindow: number; budget: number }
  | { go: false; waitUntil: number; usedInWindow: number; budget: number };

/**
 * Whether a call of `units` may start now, and if not the earliest moment it may: no sliding second and no
 * sliding minute ever holds more than its budget (so neither does any of Google's windows). Spending a
 * minute's budget in its first seconds is what Google refuses; this spreads it over the minute instead.
 * A call larger than a window's budget goes alone, once that window is empty.
 */
export function paceQuotaCall(input: PaceInput): PaceDecision {
  const { minuteBudget: budget, shortWindows } = quotaLimits(input.limitPerMinute, input.safetyRatio);
  const live = pruneQuotaSpends(input.spent, input.now);
  const usedInWindow = live.reduce((sum, s) => sum + s.units, 0);
  if (input.units <= 0) return { go: true, usedInWindow, budget };
  let waitUntil = windowFreesAt(live, QUOTA_WINDOW_MS, budget, input.units);
  for (const short of shortWindows) {
    const inside = live.filter((s) => s.at > input.now - short.ms);
    waitUntil = Math.max(waitUntil, windowFreesAt(inside, short.ms, short.budget, input.units));
  }
  if (waitUntil <= input.now) return { go: true, usedInWindow, budget };
  return { go: false, waitUntil, usedInWindow, budget };
}

/** When enough spends (oldest first) leave a sliding window for the call to fit its budget; 0 when it fits now. */
function windowFreesAt(live: readonly QuotaSpend[], windowMs: number, budget: number, units: number): number {
  const used = live.reduce((sum, s) => sum + s.units, 0);
  if (used + units <= budget || used === 0) return 0;
  const need = Math.min(units, budget);
  let remaining = used;
  for (const spend of live) {
    remaining -= spend.units;
    if (remaining + need <= budget) return spend.at + windowMs;
  }
  return (live[live.length - 1]?.at ?? 0) + windowMs;
}

/** The spends still inside the window at `now`, oldest first: what a caller needs to keep. */
export function pruneQuotaSpends(spent: readonly QuotaSpend[], now: number): QuotaSpend[] {
  return spent.filter((s) => s.at > now - QUOTA_WINDOW_MS).sort((a, b) => a.at - b.at);
}
