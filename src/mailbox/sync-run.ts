import type { Env } from "../env";
import { GmailError, type GmailClient } from "../gmail/client";
import { listHistoryPage } from "../gmail/history";
import { listMessagesPage } from "../gmail/messages";
import { getProfile } from "../gmail/profile";
import { retryDelayMs } from "../gmail/retry-delay";
import { log } from "../log";
import { foldHistoryPage, nextCursor } from "../sync/history-fold";
import type { QuotaSpend } from "../sync/quota";
import type { ActiveConnection } from "./load-routing";
import {
  catchUpSince,
  decideNextStep,
  fitsInRun,
  HISTORY_PAGE_SIZE,
  LIST_PAGE_SIZE,
  MESSAGES_PER_BATCH,
  type RunUsage,
  type SyncStep,
} from "../sync/plan";
import { foldStateChanges } from "../sync/state-fold";
import {
  D1_ROUND_TRIP,
  GMAIL_REQUEST,
  PARKED_RECORD_PER_LOCATION,
  READ_HISTORY_STEP,
  ROUTING_READS_PER_LOCATION,
  STORE_PER_LOCATION,
} from "../util/subrequest-costs";
import { LOCAL_QUOTA_PACING } from "./quota-gate";
import { runReconcileStep } from "./reconcile-run";
import { returnAttempts, settleKilledAttempts } from "./sync-attempts";
import type { StateLock } from "./state-lock";
import { countStateChanges, countStateRefresh, recordStateChanges } from "./state-queue";
import {
  applyQueuedStates,
  queueRefreshAfterGap,
  refreshStates,
  STATE_STEP_SUBREQUESTS_PER_LOCATION,
} from "./sync-states";
import { syncNextChunk } from "./sync-chunk";
import {
  addPending,
  pendingAt,
  readSyncState,
  removePending,
  setFailure,
  setScan,
  setScanTarget,
  setWanted,
} from "./sync-state";

/** What the Durable Object lends one sync run. */
export interface SyncHost {
  env: Env;
  sql: SqlStorage;
  mailbox: string;
  client: GmailClient;
  /** The mailbox's account as stored now (re-read at every step: a disconnect may land mid-run). */
  account(): { status: string; historyId: string | null; connectedAt: number; lastSyncedAt: number | null } | null;
  connections(): ActiveConnection[];
  /** The quota pacer's window and limit: background work (R30's reconciliation) takes only a share of it. */
  quota: { live(now: number): QuotaSpend[]; limitPerMinute: number };
  /** R26: the walk's state steps and the CRM's PATCH take turns here (state-lock.ts). */
  stateLock: StateLock;
  /** Resolves once no CRM send is under way, so a send's own row is stored before its Sent copy (R15). */
  beforeStore(): Promise<void>;
  /**
   * R6: Google refused the grant (a 401 after refresh, a Workspace admin's 403 domainPolicy): the mailbox
   * turns needs_reauth and the sync pauses, its queue and cursor kept for the reconnect.
   */
  markNeedsReauth(reason: string): Promise<void>;
  /** Moves the cursor and records a completed sync: in the account row first, then mirrored to D1. */
  completeSync(historyId: string, now: number): Promise<void>;
  now(): number;
  random(): number;
}

/** What the alarm does next: nothing, run again at once (budget spent), or wait (backoff, quota). */
export type RunOutcome = { next: "idle" } | { next: "now" } | { next: "at"; at: number };

/**
 * One alarm's worth of sync: steps chosen by decideNextStep until there is nothing to do, the run's
 * budget is spent (the next alarm continues), or Google fails (backoff). Every step persists its own
 * progress before the next starts, so an eviction at any point loses nothing and repeats nothing.
 */
export async function runSync(host: SyncHost): Promise<RunOutcome> {
  const usage: RunUsage = { subrequests: 0, messages: 0, startedAt: host.now() };
  settleKilledAttempts(host.sql, host.mailbox, host.now());
  for (;;) {
    const account = host.account();
    if (account === null || account.status !== "active") return { next: "idle" };
    const state = readSyncState(host.sql);
    const pending = pendingAt(host.sql, host.now());
    const step = decideNextStep({
      cursor: account.historyId,
      scan: state.scan,
      scanTarget: state.scanTarget,
      pendingCount: pending.count,
      pendingDue: pending.due,
      nextPendingAt: pending.nextAt,
      wanted: state.wanted,
      stateRefresh: countStateRefresh(host.sql),
      stateChanges: countStateChanges(host.sql),
    });
    if (step.kind === "idle") {
      // R30: the daily reconciliation takes its turn only when new mail has nothing left to do. A step of it
      // lists one page of messages at most; the rest is the mailbox's own storage.
      if (!fitsInRun(usage, host.now(), { subrequests: GMAIL_REQUEST, messages: 0 })) return { next: "now" };
      const outcome = await reconcileOrBackOff(host, account, state.failures);
      if (outcome.next !== "continue") return outcome;
      usage.subrequests += GMAIL_REQUEST;
      continue;
    }
    // Only messages waiting out their backoff (R24) are left: the alarm comes back for them.
    if (step.kind === "wait") return { next: "at", at: step.until };
    const cost = stepCost(step.kind, host.connections().length);
    if (!fitsInRun(usage, host.now(), cost)) return { next: "now" };
    try {
      const wait = await runStep(host, step, account, usage);
      if (wait !== null) return { next: "at", at: wait };
      if (state.failures > 0) setFailure(host.sql, { failures: 0, retryAt: null, lastError: null });
    } catch (error) {
      // Retrying cannot help until the user connects again; invalid_grant was already handled by the refresh.
      if (error instanceof GmailError && error.kind === "auth_revoked") {
        log.warn("sync_paused_auth_revoked", { mailbox: host.mailbox, reason: error.reason });
        await host.markNeedsReauth(error.reason ?? "auth_revoked");
        return { next: "idle" };
      }
      return { next: "at", at: backOff(host, state.failures, error) };
    }
  }
}

/** One reconciliation step; a failure other than Google's refusals (handled inside) backs off like the sync. */
async function reconcileOrBackOff(
  host: SyncHost,
  account: { connectedAt: number },
  failures: number,
): Promise<RunOutcome | { next: "continue" }> {
  try {
    return await runReconcileStep(host, account);
  } catch (error) {
    if (error instanceof GmailError && error.kind === "auth_revoked") {
      log.warn("sync_paused_auth_revoked", { mailbox: host.mailbox, reason: error.reason });
      await host.markNeedsReauth(error.reason ?? "auth_revoked");
      return { next: "idle" };
    }
    return { next: "at", at: backOff(host, failures, error) };
  }
}

/** Runs one step; returns a time to wait until (Gmail rate limited some items) or null to go on. */
async function runStep(
  host: SyncHost,
  step: Exclude<SyncStep, { kind: "idle" } | { kind: "wait" }>,
  account: { connectedAt: number; lastSyncedAt: number | null },
  usage: RunUsage,
): Promise<number | null> {
  const { sql } = host;
  switch (step.kind) {
    case "read_history":
      await host.stateLock.run(() => readHistory(host, step.from, step.pageToken, account));
      usage.subrequests += READ_HISTORY_STEP;
      return null;
    case "apply_states": {
      const applied = await host.stateLock.run(() => applyQueuedStates(host));
      usage.subrequests += applied.subrequests;
      return null;
    }
    case "refresh_states": {
      const refreshed = await host.stateLock.run(() => refreshStates(host));
      usage.subrequests += refreshed.subrequests;
      if (refreshed.rateLimited === null) return null;
      return rateLimitedUntil(host, refreshed.rateLimited);
    }
    case "list_messages": {
      const query = readSyncState(sql).scanQuery ?? "";
      const page = await listMessagesPage(host.client, {
        q: query,
        pageToken: step.pageToken,
        maxResults: LIST_PAGE_SIZE,
      });
      addPending(
        sql,
        (page.messages ?? []).map((m) => m.id),
        "newest_first",
      );
      setScan(sql, page.nextPageToken ? { kind: "list", pageToken: page.nextPageToken } : null);
      usage.subrequests += GMAIL_REQUEST;
      return null;
    }
    case "fetch_pending": {
      const chunk = syncNextChunk(
        { ...host, connections: host.connections(), startPoint: account.connectedAt },
        host.now(),
      );
      const result = await chunk.catch((error: unknown) => {
        returnAttempts(sql); // The whole chunk failed (Gmail, D1): no message is to blame.
        throw error;
      });
      usage.subrequests += result.subrequests;
      usage.messages += result.fetched;
      if (result.rateLimited === null) return null;
      return rateLimitedUntil(host, result.rateLimited);
    }
    case "advance_cursor":
      // Nothing is pending: every message the scan reported is stored or parked, so the cursor may move.
      setScanTarget(sql, null);
      await host.completeSync(step.to, host.now());
      usage.subrequests += D1_ROUND_TRIP; // The account mirrored to the directory (mirror.ts).
      return null;
  }
}

/** What one step may spend of the run's budget (Gmail requests and D1 round trips). */
function stepCost(kind: SyncStep["kind"], locations: number): { subrequests: number; messages: number } {
  if (kind === "fetch_pending") {
    const perLocation = ROUTING_READS_PER_LOCATION + STORE_PER_LOCATION + PARKED_RECORD_PER_LOCATION;
    return { subrequests: GMAIL_REQUEST + locations * perLocation, messages: MESSAGES_PER_BATCH };
  }
  if (kind === "apply_states") return { subrequests: locations * STATE_STEP_SUBREQUESTS_PER_LOCATION, messages: 0 };
  // Every other step makes one call, but for a history page that finds history gone (then the profile too).
  return { subrequests: READ_HISTORY_STEP, messages: 0 };
}

/** Gmail rate limited some items of a step: the failure is counted and the run waits as Google asks. */
function rateLimitedUntil(host: SyncHost, limited: { retryAfter: string | null; retryAt: number | null }): number {
  const failures = readSyncState(host.sql).failures;
  const delay =
    retryDelayMs({
      kind: "rate_limited",
      attempt: failures,
      retryAfterHeader: limited.retryAfter,
      retryAt: limited.retryAt,
      now: host.now(),
      random: host.random,
    }) ?? 1_000;
  setFailure(host.sql, {
    failures: failures + 1,
    retryAt: host.now() + delay,
    lastError: "gmail rate limited or unavailable",
  });
  return host.now() + delay;
}

/** One page of history from the cursor; a 404 (history gone) turns the scan into a bounded catch-up (R6). */
async function readHistory(
  host: SyncHost,
  from: string,
  pageToken: string | null,
  account: { connectedAt: number; lastSyncedAt: number | null },
): Promise<void> {
  const { sql } = host;
  if (pageToken === null) {
    setWanted(sql, false);
    setScan(sql, { kind: "history", pageToken: null });
  }
  let page: Awaited<ReturnType<typeof listHistoryPage>>;
  try {
    page = await listHistoryPage(host.client, { startHistoryId: from, pageToken, maxResults: HISTORY_PAGE_SIZE });
  } catch (error) {
    if (!(error instanceof GmailError) || error.kind !== "history_expired") throw error;
    // The cursor to resume from is taken before listing: anything newer shows up in history afterwards.
    const profile = await getProfile(host.client);
    const since = catchUpSince(account);
    log.warn("sync_history_expired", { mailbox: host.mailbox, from, catchUpSince: since });
    setScanTarget(sql, nextCursor(from, profile.historyId));
    // R26: the gap's state changes are lost with its history; the stored messages it may touch are read again.
    await queueRefreshAfterGap(host, since);
    setScan(sql, { kind: "list", pageToken: null }, `after:${Math.floor(since / 1000)}`);
    return;
  }
  recordStateChanges(sql, foldStateChanges(page.history ?? []));
  const fold = foldHistoryPage(page.history ?? []);
  addPending(sql, fold.added);
  removePending(sql, fold.deleted);
  if (page.nextPageToken) {
    setScan(sql, { kind: "history", pageToken: page.nextPageToken });
  } else {
    setScan(sql, null);
    setScanTarget(sql, nextCursor(from, page.historyId));
  }
}

/** Records the failure and returns when to try again: Google's hint honoured, backoff capped (R22). */
function backOff(host: SyncHost, failures: number, error: unknown): number {
  const now = host.now();
  const gmail = error instanceof GmailError ? error : null;
  // Our own pacer asking to wait is no failure: Google was not refused, so no backoff grows from it.
  if (gmail?.reason === LOCAL_QUOTA_PACING && gmail.retryAt !== null) {
    log.info("sync_paced", { mailbox: host.mailbox, resumeInMs: gmail.retryAt - now });
    return gmail.retryAt;
  }
  const kind = gmail?.kind === "rate_limited" ? "rate_limited" : "retry";
  const delay =
    retryDelayMs({
      kind,
      attempt: failures,
      retryAfterHeader: gmail?.retryAfter ?? null,
      retryAt: gmail?.retryAt ?? null,
      now,
      random: host.random,
    }) ?? 60_000;
  const lastError = gmail ? gmail.message : error instanceof Error ? error.message : String(error);
  setFailure(host.sql, { failures: failures + 1, retryAt: now + delay, lastError });
  log.warn("sync_run_failed", { mailbox: host.mailbox, failures: failures + 1, retryInMs: delay, error: lastError });
  return now + delay;
}
