import { catchUpAt } from "./catch-up";
import { paceQuotaCall, type QuotaSpend } from "./quota";

/*
 * PURE planning of R30's daily reconciliation: when it runs, which part of Gmail it lists, and how much
 * of the quota it may take. The mailbox DO (mailbox/reconcile-run.ts) persists and calls Gmail.
 */

export const RECONCILE_EVERY_MS = 24 * 60 * 60 * 1000;
/** Each listing starts this long before the previous one began: mail Gmail dated a little late is not missed. */
export const RECONCILE_OVERLAP_MS = 60 * 60 * 1000;
/** A listing never looks further back than this (decisions are kept 31 days, sync_seen 35). */
export const RECONCILE_MAX_LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;
/** The folders R30 compares: where the sync looks at mail (RULES "Which emails sync"). */
export const RECONCILE_LABELS = ["INBOX", "SENT"] as const;
export type ReconcileLabel = (typeof RECONCILE_LABELS)[number];
/** messages.list page size (Gmail's maximum): 5 units per 500 ids is what makes "nothing missing" cheap. */
export const RECONCILE_PAGE_SIZE = 500;
/**
 * New mail first: a listing page starts only while the last minute's spending leaves at least half of the
 * pacer's budget unused, so the sync of new mail always finds room and the two never add up to a 429.
 */
export const RECONCILE_QUOTA_SHARE = 0.5;

/** The first reconciliation waits this long after connecting: nothing is owed to Gmail that early. */
const FIRST_RECONCILE_AFTER_MS = 60 * 60 * 1000;

/** The first reconciliation of a mailbox: within a day of connecting, at a slot spread by its address. */
export function firstReconcileAt(address: string, connectedAt: number): number {
  return catchUpAt(address, connectedAt + FIRST_RECONCILE_AFTER_MS, RECONCILE_EVERY_MS - FIRST_RECONCILE_AFTER_MS);
}

/** The next daily slot after `finishedAt`, keeping the mailbox's time of day (a run asked early keeps it). */
export function nextReconcileAt(dueAt: number, finishedAt: number): number {
  if (finishedAt < dueAt) return dueAt;
  const periods = Math.max(1, Math.ceil((finishedAt - dueAt + 1) / RECONCILE_EVERY_MS));
  return dueAt + periods * RECONCILE_EVERY_MS;
}

/** Where a reconciliation's listing starts (Unix ms): since the last one, never before R2's start point. */
export function reconcileSince(input: { lastReconciledAt: number | null; connectedAt: number; now: number }): number {
  const from = input.lastReconciledAt === null ? input.connectedAt : input.lastReconciledAt - RECONCILE_OVERLAP_MS;
  return Math.max(input.connectedAt, from, input.now - RECONCILE_MAX_LOOKBACK_MS);
}

/** Gmail's search for one folder since a moment (`after:` takes Unix seconds). */
export function reconcileQuery(label: ReconcileLabel, since: number): string {
  return `in:${label.toLowerCase()} after:${Math.floor(since / 1000)}`;
}

/** The folder listed after `label`, or null when the listing is complete. */
export function nextReconcileLabel(label: ReconcileLabel): ReconcileLabel | null {
  const index = RECONCILE_LABELS.indexOf(label);
  return RECONCILE_LABELS[index + 1] ?? null;
}

/** null when a call of `units` may go now within reconciliation's share of the quota; else when it may. */
export function reconcileQuotaWait(input: {
  spent: readonly QuotaSpend[];
  limitPerMinute: number;
  units: number;
  now: number;
}): number | null {
  const decision = paceQuotaCall({ ...input, share: RECONCILE_QUOTA_SHARE });
  return decision.go ? null : decision.waitUntil;
}

export interface ReconcileProgress {
  dueAt: number;
  requestedAt: number | null;
  running: { phase: "list" | "settle" | "heal" } | null;
  retryAt: number | null;
}

export type ReconcileStep =
  | { kind: "none" }
  | { kind: "wait"; until: number }
  | { kind: "start" }
  | { kind: "list" }
  | { kind: "settle" }
  | { kind: "heal" };

/**
 * What the reconciliation does next; asked only when the sync of new mail has nothing to do. A run lists
 * INBOX and SENT, then lets history catch up (so mail that simply arrived meanwhile is not taken for
 * missing), then queues what is still unknown as healed.
 */
export function decideReconcileStep(p: ReconcileProgress, now: number): ReconcileStep {
  if (p.running === null) {
    if (p.requestedAt === null && p.dueAt > now) return { kind: "none" };
    return { kind: "start" };
  }
  if (p.retryAt !== null && p.retryAt > now) return { kind: "wait", until: p.retryAt };
  return { kind: p.running.phase };
}

const RECONCILE_RETRY_BASE_MS = 60_000;
const RECONCILE_RETRY_CAP_MS = 30 * 60_000;

/**
 * After Google refused a listing call (429, 5xx): background work backs off harder than the sync of new
 * mail does, a minute doubling to half an hour, and never sooner than Google asked.
 */
export function reconcileRetryDelayMs(failures: number, hintMs: number | null): number {
  const backoff = Math.min(
    RECONCILE_RETRY_CAP_MS,
    RECONCILE_RETRY_BASE_MS * 2 ** Math.min(Math.max(failures - 1, 0), 10),
  );
  return Math.max(backoff, hintMs ?? 0);
}
