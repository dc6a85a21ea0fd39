/*
 * Per-alarm budgets. One alarm invocation of the Mailbox Durable Object must stay inside Cloudflare's
 * per-invocation limits: 1,000 subrequests on the paid plan (Gmail fetches and D1 calls both count),
 * 30 s of CPU by default, 15 min of wall time for alarms. The numbers below keep a wide margin on each,
 * and leftover work continues in the next alarm, set for "now".
 */

/** Gmail batch requests carry at most this many messages.get calls (Google advises 50 for Gmail). */
export const MESSAGES_PER_BATCH = 50;
/** Subrequests one alarm may spend (Gmail HTTP requests + D1 round trips): half the paid limit. */
export const SUBREQUESTS_PER_RUN = 500;
/** Messages one alarm may parse: at ~1–3 ms of CPU each, far under the 30 s CPU limit. */
export const MESSAGES_PER_RUN = 2_000;
/** Wall time after which an alarm stops starting new work and hands over to the next alarm. */
export const WALL_MS_PER_RUN = 120_000;
/** A quota wait longer than this ends the run with an alarm at the wait's end instead of sleeping. */
export const MAX_INLINE_WAIT_MS = 5_000;
/** history.list page size (Gmail's maximum). */
export const HISTORY_PAGE_SIZE = 500;
/** messages.list page size for the catch-up after a history 404 (Gmail's maximum). */
export const LIST_PAGE_SIZE = 500;
/** R24: a message that fails this many times is parked and the sync goes on. */
export const MAX_MESSAGE_ATTEMPTS = 3;
/**
 * R24: the wait after a message's 1st and 2nd failure. Spread over alarms, so a message Gmail refuses for a
 * few minutes (or D1 refuses while a migration lands) gets real second chances, and is parked only then.
 */
export const MESSAGE_RETRY_DELAYS_MS = [60_000, 5 * 60_000] as const;
/** R6/R22: a history 404 lists messages since the last synced moment, minus this margin for clock skew. */
export const CATCH_UP_MARGIN_MS = 60 * 60 * 1000;

/** What the sync knows between steps; persisted in the Durable Object. */
export interface SyncProgress {
  /** Saved history cursor (R2: starts at the watch's historyId); null before connect completes. */
  cursor: string | null;
  /** A read of history (or a catch-up listing) is under way. */
  scan: { kind: "history" | "list"; pageToken: string | null } | null;
  /** History id the cursor moves to once every pending message is committed. */
  scanTarget: string | null;
  /** Messages reported by the scan and not yet committed or parked. */
  pendingCount: number;
  /** Of those, the ones whose next attempt is due now (the rest wait out a backoff, R24). */
  pendingDue: number;
  /** When the earliest waiting message is due; null when none waits. */
  nextPendingAt: number | null;
  /** A push or the cron asked for a sync not yet started. */
  wanted: boolean;
  /** R26: stored messages whose Gmail state must be read again after a history gap. */
  stateRefresh?: number;
  /** R26: Gmail states learnt by the scan and not yet applied to the stored copies. */
  stateChanges?: number;
}

export type SyncStep =
  | { kind: "read_history"; from: string; pageToken: string | null }
  | { kind: "list_messages"; pageToken: string | null }
  | { kind: "fetch_pending" }
  | { kind: "refresh_states" }
  | { kind: "apply_states" }
  | { kind: "advance_cursor"; to: string }
  | { kind: "wait"; until: number }
  | { kind: "idle" };

/**
 * The next thing the sync does. Order matters for R22: every page of history is read before messages
 * are fetched, and the cursor moves only once nothing is pending, so it is never ahead of the rows.
 * While messages only wait out their backoff (R24), news is still read: history continues from the
 * last scan's end (everything before it is stored, parked or pending), and the cursor stays put.
 * R26: states the scan learnt are applied before new messages are stored (a message fetched now carries
 * its current labels, newer than any record read before), and before the cursor moves.
 */
export function decideNextStep(p: SyncProgress): SyncStep {
  if (p.cursor === null) return { kind: "idle" };
  const from = p.scanTarget ?? p.cursor;
  if (p.scan !== null) {
    return p.scan.kind === "history"
      ? { kind: "read_history", from, pageToken: p.scan.pageToken }
      : { kind: "list_messages", pageToken: p.scan.pageToken };
  }
  if ((p.stateRefresh ?? 0) > 0) return { kind: "refresh_states" };
  if ((p.stateChanges ?? 0) > 0) return { kind: "apply_states" };
  if (p.pendingDue > 0) return { kind: "fetch_pending" };
  if (p.pendingCount > 0) {
    if (p.wanted) return { kind: "read_history", from, pageToken: null };
    return { kind: "wait", until: p.nextPendingAt ?? 0 };
  }
  if (p.scanTarget !== null) return { kind: "advance_cursor", to: p.scanTarget };
  if (p.wanted) return { kind: "read_history", from: p.cursor, pageToken: null };
  return { kind: "idle" };
}

/** R24: when a message that has failed `attempts` times is tried again; null once it is to be parked. */
export function nextMessageAttemptAt(attempts: number, now: number): number | null {
  if (attempts >= MAX_MESSAGE_ATTEMPTS) return null;
  const delay =
    MESSAGE_RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), MESSAGE_RETRY_DELAYS_MS.length) - 1] ??
    MESSAGE_RETRY_DELAYS_MS[0];
  return now + delay;
}

/** Where a catch-up listing starts (Unix ms): the last synced moment less a margin, never before connect (R2). */
export function catchUpSince(input: { lastSyncedAt: number | null; connectedAt: number }): number {
  if (input.lastSyncedAt === null) return input.connectedAt;
  return Math.max(input.connectedAt, input.lastSyncedAt - CATCH_UP_MARGIN_MS);
}

/** A run's spending so far, checked before each step. */
export interface RunUsage {
  subrequests: number;
  messages: number;
  startedAt: number;
}

/** True while one more step (up to `subrequests` more) fits in this alarm's budget. */
export function fitsInRun(usage: RunUsage, now: number, next: { subrequests: number; messages: number }): boolean {
  return (
    usage.subrequests + next.subrequests <= SUBREQUESTS_PER_RUN &&
    usage.messages + next.messages <= MESSAGES_PER_RUN &&
    now - usage.startedAt < WALL_MS_PER_RUN
  );
}
