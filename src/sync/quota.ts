/**
 * PURE quota arithmetic for one mailbox: (a) pacing Gmail calls under the per-user per-minute quota,
 * (b) R16's rolling-24h send cap with Gmail's own sending-limit block folded in. Times are Unix ms.
 */

// ---- (a) per-user Gmail quota pacer ----

export const QUOTA_WINDOW_MS = 60_000;
/**
 * Plan to 95% of Google's limit: our clock, Google's window and calls in flight never line up exactly,
 * and the margin keeps a burst from turning into a storm of 429s while keeping ≥ 90% of the quota usable.
 */
const QUOTA_SAFETY_RATIO = 0.95;

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
 * Whether a call of `units` may start now under a sliding 60 s window (no 60 s interval ever holds more
 * than the budget, so neither does any of Google's minute buckets); if not, the earliest moment it may.
 * A call larger than the whole budget goes alone, once the window is empty.
 */
export function paceQuotaCall(input: PaceInput): PaceDecision {
  const budget = Math.max(1, Math.floor(input.limitPerMinute * (input.safetyRatio ?? QUOTA_SAFETY_RATIO)));
  const live = pruneQuotaSpends(input.spent, input.now);
  const usedInWindow = live.reduce((sum, s) => sum + s.units, 0);
  if (input.units <= 0 || usedInWindow + input.units <= budget || usedInWindow === 0) {
    return { go: true, usedInWindow, budget };
  }
  // Oldest first: find how many spends must leave the window for this call to fit.
  const need = Math.min(input.units, budget);
  let remaining = usedInWindow;
  for (const spend of live) {
    remaining -= spend.units;
    if (remaining + need <= budget) {
      return { go: false, waitUntil: spend.at + QUOTA_WINDOW_MS, usedInWindow, budget };
    }
  }
  const last = live[live.length - 1];
  return { go: false, waitUntil: (last?.at ?? input.now) + QUOTA_WINDOW_MS, usedInWindow, budget };
}

/** The spends still inside the window at `now`, oldest first: what a caller needs to keep. */
export function pruneQuotaSpends(spent: readonly QuotaSpend[], now: number): QuotaSpend[] {
  return spent.filter((s) => s.at > now - QUOTA_WINDOW_MS).sort((a, b) => a.at - b.at);
}

// ---- (b) R16 rolling-24h send cap ----

export const SEND_CAP_WINDOW_MS = 24 * 60 * 60_000;
/** API.md: when Gmail refuses a send for its sending limit without naming a time, block for one hour. */
const GMAIL_SEND_BLOCK_DEFAULT_MS = 60 * 60_000;

export interface SendCapInput {
  /** Times of the counted sends (reservations included), any order. */
  sendTimes: readonly number[];
  limit: number;
  now: number;
  /** Gmail's own sending-limit block (see gmailSendBlockUntil), if one was recorded. */
  blockedUntil?: number | null;
}

/** The cap at `now`; `limit/used/remaining/nextAvailableAt` is API.md's sendQuota shape. */
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
