import { MESSAGES_GET_UNITS } from "../gmail/messages";

/**
 * PURE quota arithmetic for one mailbox: pacing Gmail calls under the per-user per-minute quota. Times are Unix
 * ms. (R16's send cap is a send policy: send/send-cap.ts.)
 */
export const QUOTA_WINDOW_MS = 60_000;
/**
 * Google enforces the per-user quota as a moving average over short windows (docs/rules.md, reading 9), not as a
 * minute's budget: no sliding second may take more than its share (the minute's figure ÷ 60). The burst Google
 * tolerates (two seconds' worth) is leaned on only by a call larger than a second's share, which goes alone.
 */
export const QUOTA_SHORT_WINDOWS_MS = [1_000, 2_000] as const;

/**
 * The pacer's limits for a per-minute quota: what one sliding minute, and each short window, may spend. The
 * budgets are Google's own figures, with no safety ratio: the margin is in the time a spend is dated (see
 * QuotaSpend), which is where the 429s came from. `share` < 1 is a caller's part of it (R30's reconciliation).
 */
export function quotaLimits(limitPerMinute: number, share = 1) {
  const perSecond = (limitPerMinute / 60) * share;
  return {
    minuteBudget: Math.max(1, Math.floor(limitPerMinute * share)),
    secondBudget: Math.max(1, Math.floor(perSecond)),
    shortWindows: QUOTA_SHORT_WINDOWS_MS.map((ms) => ({
      ms,
      budget: Math.max(1, Math.floor((perSecond * ms) / 1000)),
    })),
  };
}

/**
 * messages.get costs 5 units: a batch request spends exactly one second's budget (50 messages at 15,000
 * units/min, 20 at 6,000), and Google advises ≤ 50 per batch.
 */
export function messagesPerBatch(limitPerMinute: number): number {
  return Math.min(50, Math.max(1, Math.floor(quotaLimits(limitPerMinute).secondBudget / MESSAGES_GET_UNITS)));
}

/**
 * How many messages.get the next batch carries: as many as every window has room for now, up to a full batch
 * (messagesPerBatch). A full batch leaves no room for anything else that second, so a small call between two
 * (a history page, a send) would hold the next full one back by up to a second; the batch shrinks around it
 * instead. With room for less than half a batch, a full one waits for its room: tiny batches cost requests.
 */
export function messagesForNextBatch(input: { spent: readonly QuotaSpend[]; limitPerMinute: number; now: number }) {
  const full = messagesPerBatch(input.limitPerMinute);
  const { minuteBudget, shortWindows } = quotaLimits(input.limitPerMinute);
  const live = pruneQuotaSpends(input.spent, input.now);
  const usedIn = (ms: number) => live.filter((s) => s.at > input.now - ms).reduce((sum, s) => sum + s.units, 0);
  const room = Math.min(minuteBudget - usedIn(QUOTA_WINDOW_MS), ...shortWindows.map((w) => w.budget - usedIn(w.ms)));
  const fits = Math.floor(Math.max(0, room) / MESSAGES_GET_UNITS);
  return fits >= Math.ceil(full / 2) ? Math.min(full, fits) : full;
}

/**
 * Units spent by one call, dated at the LATEST moment Google may have counted them: when its answer came back
 * (Google counts a call somewhere between our dispatch and its answer, and a batch's parts one after another),
 * or `now` while it is still in flight. Dated so, a spend stays in our window at least as long as in any of
 * Google's, whatever the skew between our clocks or the call's time on the wire: checking the new call at its
 * dispatch (the earliest moment Google may count it) against these is then never kinder than Google.
 */
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
  /** The part of the quota this caller may use (default all of it). */
  share?: number;
}

export type PaceDecision =
  | { go: true; usedInWindow: number; budget: number }
  | { go: false; waitUntil: number; usedInWindow: number; budget: number };

/**
 * Whether a call of `units` may start now, and if not the earliest moment it may: no sliding second, two
 * seconds or minute ever holds more than its budget (so neither does any of Google's windows). Spending a
 * minute's budget in its first seconds is what Google refuses; this spreads it over the minute instead.
 * A call larger than a window's budget goes alone, once that window is empty.
 */
export function paceQuotaCall(input: PaceInput): PaceDecision {
  const { minuteBudget: budget, shortWindows } = quotaLimits(input.limitPerMinute, input.share);
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
