import { GmailError } from "../gmail/client";
import { listMessagesPage } from "../gmail/messages";
import { retryDelayMs } from "../gmail/retry-delay";
import { log } from "../log";
import {
  decideNextStep,
  fitsInRun,
  LIST_PAGE_SIZE,
  MESSAGES_PER_BATCH,
  type RunUsage,
  type SyncStep,
} from "../sync/plan";
import {
  D1_ROUND_TRIP,
  GMAIL_REQUEST,
  PARKED_RECORD_PER_LOCATION,
  READ_HISTORY_STEP,
  ROUTING_READS_PER_LOCATION,
  STORE_PER_LOCATION,
} from "../util/subrequest-costs";
import type { MailboxContext } from "./context";
import { markNeedsReauth } from "./grant-use";
import { LOCAL_QUOTA_PACING } from "./quota-gate";
import { runReconcileStep } from "./reconcile-run";
import { returnAttempts, settleKilledAttempts } from "./sync-attempts";
import { countStateChanges, countStateRefresh } from "./state-queue";
import { applyQueuedStates, refreshStates, STATE_STEP_SUBREQUESTS_PER_LOCATION } from "./sync-states";
import { syncNextChunk } from "./sync-chunk";
import { completeSync } from "./sync-cursor";
import { readHistory } from "./sync-history";
import { readAccount } from "./state";
import { addPending, pendingAt, readSyncState, setFailure, setScan } from "./sync-state";

/** What the alarm does next: nothing, run again at once (budget spent), or wait (backoff, quota). */
export type RunOutcome = { next: "idle" } | { next: "now" } | { next: "at"; at: number };

/**
 * One alarm's worth of sync: steps chosen by decideNextStep until there is nothing to do, the run's
 * budget is spent (the next alarm continues), or Google fails (backoff). Every step persists its own
 * progress before the next starts, so an eviction at any point loses nothing and repeats nothing.
 */
export async function runSync(context: MailboxContext): Promise<RunOutcome> {
  const usage: RunUsage = { subrequests: 0, messages: 0, startedAt: context.now() };
  context.transaction(() => settleKilledAttempts(context.sql, context.mailbox, context.now()));
  for (;;) {
    const account = readAccount(context.sql);
    if (account === null || account.status !== "active") return { next: "idle" };
    const state = readSyncState(context.sql);
    const pending = pendingAt(context.sql, context.now());
    const step = decideNextStep({
      cursor: account.historyId,
      scan: state.scan,
      scanTarget: state.scanTarget,
      pendingCount: pending.count,
      pendingDue: pending.due,
      nextPendingAt: pending.nextAt,
      wanted: state.wanted,
      stateRefresh: countStateRefresh(context.sql),
      stateChanges: countStateChanges(context.sql),
    });
    if (step.kind === "idle") {
      // R30: the daily reconciliation takes its turn only when new mail has nothing left to do. A step of it
      // lists one page of messages at most; the rest is the mailbox's own storage.
      if (!fitsInRun(usage, context.now(), { subrequests: GMAIL_REQUEST, messages: 0 })) return { next: "now" };
      const outcome = await reconcileOrBackOff(context, account, state.failures);
      if (outcome.next !== "continue") return outcome;
      usage.subrequests += GMAIL_REQUEST;
      continue;
    }
    // Only messages waiting out their backoff (R24) are left: the alarm comes back for them.
    if (step.kind === "wait") return { next: "at", at: step.until };
    const cost = stepCost(step.kind, context.connections().length);
    if (!fitsInRun(usage, context.now(), cost)) return { next: "now" };
    try {
      const wait = await runStep(context, step, account, usage);
      if (wait !== null) return { next: "at", at: wait };
      if (state.failures > 0) setFailure(context.sql, { failures: 0, retryAt: null, lastError: null });
    } catch (error) {
      // Retrying cannot help until the user connects again; invalid_grant was already handled by the refresh.
      if (error instanceof GmailError && error.kind === "auth_revoked") {
        return pauseForReauth(context, error);
      }
      return { next: "at", at: backOff(context, state.failures, error) };
    }
  }
}

/** One reconciliation step; a failure other than Google's refusals (handled inside) backs off like the sync. */
async function reconcileOrBackOff(
  context: MailboxContext,
  account: { connectedAt: number },
  failures: number,
): Promise<RunOutcome | { next: "continue" }> {
  try {
    return await runReconcileStep(context, account);
  } catch (error) {
    if (error instanceof GmailError && error.kind === "auth_revoked") {
      return pauseForReauth(context, error);
    }
    return { next: "at", at: backOff(context, failures, error) };
  }
}

/** Runs one step; returns a time to wait until (Gmail rate limited some items) or null to go on. */
async function runStep(
  context: MailboxContext,
  step: Exclude<SyncStep, { kind: "idle" } | { kind: "wait" }>,
  account: { connectedAt: number; lastSyncedAt: number | null },
  usage: RunUsage,
): Promise<number | null> {
  const { sql } = context;
  switch (step.kind) {
    case "read_history":
      await context.stateLock.run(() => readHistory(context, step.from, step.pageToken, account));
      usage.subrequests += READ_HISTORY_STEP;
      return null;
    case "apply_states": {
      const applied = await context.stateLock.run(() => applyQueuedStates(context));
      usage.subrequests += applied.subrequests;
      return null;
    }
    case "refresh_states": {
      const refreshed = await context.stateLock.run(() => refreshStates(context));
      usage.subrequests += refreshed.subrequests;
      if (refreshed.rateLimited === null) return null;
      return rateLimitedUntil(context, refreshed.rateLimited);
    }
    case "list_messages": {
      const query = readSyncState(sql).scanQuery ?? "";
      const page = await listMessagesPage(context.gmail, {
        q: query,
        pageToken: step.pageToken,
        maxResults: LIST_PAGE_SIZE,
      });
      context.transaction(() => {
        addPending(
          sql,
          (page.messages ?? []).map((m) => m.id),
          "newest_first",
        );
        setScan(sql, page.nextPageToken ? { kind: "list", pageToken: page.nextPageToken } : null);
      });
      usage.subrequests += GMAIL_REQUEST;
      return null;
    }
    case "fetch_pending": {
      const chunk = syncNextChunk(
        context,
        { connections: context.connections(), startPoint: account.connectedAt },
        context.now(),
      );
      const result = await chunk.catch((error: unknown) => {
        returnAttempts(sql); // The whole chunk failed (Gmail, D1): no message is to blame.
        throw error;
      });
      usage.subrequests += result.subrequests;
      usage.messages += result.fetched;
      if (result.rateLimited === null) return null;
      return rateLimitedUntil(context, result.rateLimited);
    }
    case "advance_cursor":
      // Nothing is pending: every message the scan reported is stored or parked, so the cursor may move.
      await completeSync(context, step.to, context.now());
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
function rateLimitedUntil(
  context: MailboxContext,
  limited: { retryAfter: string | null; retryAt: number | null },
): number {
  const failures = readSyncState(context.sql).failures;
  const delay =
    retryDelayMs({
      kind: "rate_limited",
      attempt: failures,
      retryAfterHeader: limited.retryAfter,
      retryAt: limited.retryAt,
      now: context.now(),
      random: context.random,
    }) ?? 1_000;
  setFailure(context.sql, {
    failures: failures + 1,
    retryAt: context.now() + delay,
    lastError: "gmail rate limited or unavailable",
  });
  return context.now() + delay;
}

/** Records the failure and returns when to try again: Google's hint honoured, backoff capped (R22). */
function backOff(context: MailboxContext, failures: number, error: unknown): number {
  const now = context.now();
  const gmail = error instanceof GmailError ? error : null;
  // Our own pacer asking to wait is no failure: Google was not refused, so no backoff grows from it.
  if (gmail?.reason === LOCAL_QUOTA_PACING && gmail.retryAt !== null) {
    log.info("sync_paced", { mailbox: context.mailbox, resumeInMs: gmail.retryAt - now });
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
      random: context.random,
    }) ?? 60_000;
  const lastError = gmail ? gmail.message : error instanceof Error ? error.message : String(error);
  setFailure(context.sql, { failures: failures + 1, retryAt: now + delay, lastError });
  log.warn("sync_run_failed", { mailbox: context.mailbox, failures: failures + 1, retryInMs: delay, error: lastError });
  return now + delay;
}

/**
 * R6: Google refused the grant (a 401 after refresh, a Workspace admin's 403 domainPolicy): the mailbox turns
 * needs_reauth and the sync pauses, its queue and cursor kept for the reconnect. The verdict is about the grant
 * the run started with: a grant a reconnect stored meanwhile is not paused.
 */
async function pauseForReauth(context: MailboxContext, error: GmailError): Promise<RunOutcome> {
  log.warn("sync_paused_auth_revoked", { mailbox: context.mailbox, reason: error.reason });
  if (context.account) await markNeedsReauth(context, context.account, error.reason ?? "auth_revoked", Date.now());
  return { next: "idle" };
}
