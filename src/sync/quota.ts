/**
 * PURE quota arithmetic for one mailbox: (a) pacing Gmail calls under the per-user per-minute quota,
 * (b) R16's rolling-24h send cap with Gmail's own sending-limit block folded in. Times are Unix ms.
 */

// ---- (a) per-user Gmail quota pacer ----

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

// ---- (b) R16 rolling-24h send cap ----

export const SEND_CAP_WINDOW_MS = 24 * 60 * 60_000;
/** docs/api.md: when Gmail refuses a send for its sending limit without naming a time, block for one hour. */
export const GMAIL_SEND_BLOCK_DEFAULT_MS = 60 * 60_000;

export interface SendCapInput {
  /** Times of the counted sends (reservations included), any order. */
  sendTimes: readonly number[];
  limit: number;
  now: number;
  /** Gmail's own sending-limit block (see gmailSendBlockUntil), if one was recorded. */
  blockedUntil?: number | null;
}

/** The cap at `now`; `limit/used/remaining/nextAvailableAt` is docs/api.md's sendQuota shape. */
export interface SendCapState {
  allowed: boolean;
  limit: number;
  used: number;
  remaining: number;
  /** null while a send is possible; else when one becomes possible (block end or a send ageing out). */
  nextAvailableAt: number | null;
}

/**
 * R16. A send counts for exactly 24 h: one made at `now - 24h` no longer counts. Gmail's block, while it
 * lasts, leaves nothing remaining whatever the count says.
 *
 * Reservation semantics (the Mailbox DO serialises sends, so check-then-reserve is atomic there):
 * before calling Gmail, mailbox/send-log.ts's `reserveSend` records `now` as a counted time; when Gmail
 * rejects the send, `releaseSend` removes it, since a rejected send does not count; when Gmail accepts it or
 * its answer is lost (R25 may find it in Sent), the reservation stays and is the send's counted time.
 */
export function sendCapAt(input: SendCapInput): SendCapState {
  const { limit, now } = input;
  const counted = input.sendTimes.filter((t) => t > now - SEND_CAP_WINDOW_MS).sort((a, b) => a - b);
  const used = counted.length;
  const blockedUntil = input.blockedUntil ?? null;
  const blocked = blockedUntil !== null && blockedUntil > now;
  const remaining = blocked ? 0 : Math.max(0, limit - used);
  if (remaining > 0) return { allowed: true, limit, used, remaining, nextAvailableAt: null };
  // Below the limit again once used - k < limit, i.e. when the (used - limit)-th oldest send ages out.
  const capFreesAt = used >= limit ? (counted[used - limit] ?? now) + SEND_CAP_WINDOW_MS : now;
  const nextAvailableAt = Math.max(blocked ? blockedUntil : now, capFreesAt);
  return { allowed: false, limit, used, remaining, nextAvailableAt };
}

/** When Gmail's sending-limit refusal lifts: the time Gmail named (if still ahead), else an hour from now. */
export function gmailSendBlockUntil(retryAt: number | null, now: number): number {
  return retryAt !== null && retryAt > now ? retryAt : now + GMAIL_SEND_BLOCK_DEFAULT_MS;
}
