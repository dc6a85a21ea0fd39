/**
 * PURE send policy: R16's rolling-24h send cap, with Gmail's own sending-limit block folded in. Times are Unix ms.
 * mailbox/send.ts reads the counted send times and the block from the DO's storage and asks this file.
 */

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
