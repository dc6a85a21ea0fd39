import { GmailError } from "../gmail/client";
import { listMessagesPage, type MessageList } from "../gmail/messages";
import { parseRetryAfter } from "../gmail/retry-delay";
import { log } from "../log";
import {
  decideReconcileStep,
  firstReconcileAt,
  nextReconcileAt,
  nextReconcileLabel,
  RECONCILE_PAGE_SIZE,
  reconcileQuery,
  reconcileQuotaWait,
  reconcileRetryDelayMs,
  reconcileSince,
} from "../sync/reconcile-plan";
import type { MailboxContext } from "./context";
import { LOCAL_QUOTA_PACING } from "./quota-gate";

/** Gmail's price of one messages.list page (users.messages.list: 5 units). */
const MESSAGES_LIST_UNITS = 5;
import {
  beginReconcileRun,
  finishReconcileRun,
  keepUnknownIds,
  missingCandidates,
  queueHealing,
  readReconcileState,
  setReconcileCursor,
  setReconcileDue,
  setReconcileRetry,
} from "./reconcile-state";
import { purgeSeen } from "./sync-seen";
import { addPending, setWanted } from "./sync-state";

/** What a reconciliation step leaves the run to do: nothing (idle), go on, or come back at a time. */
export type ReconcileOutcome = { next: "idle" } | { next: "continue" } | { next: "at"; at: number };

/**
 * R30: one step of the daily reconciliation, run only when the sync of new mail has nothing to do. It
 * lists INBOX and SENT since the last reconciliation (never before R2's start point), keeps the ids the
 * mailbox never decided, lets history catch up, and queues what is still unknown like new mail (healed).
 * Google's refusals back off on the reconciliation's own clock: the sync of new mail is never delayed.
 */
export async function runReconcileStep(
  context: MailboxContext,
  account: { connectedAt: number },
): Promise<ReconcileOutcome> {
  const { sql } = context;
  const now = context.now();
  let state = readReconcileState(sql);
  if (state.dueAt === null) {
    setReconcileDue(sql, firstReconcileAt(context.mailbox, account.connectedAt));
    state = readReconcileState(sql);
  }
  const step = decideReconcileStep(
    { dueAt: state.dueAt ?? now, requestedAt: state.requestedAt, running: state.run, retryAt: state.retryAt },
    now,
  );
  switch (step.kind) {
    case "none":
      return { next: "idle" };
    case "wait":
      return { next: "at", at: step.until };
    case "start":
      context.transaction(() =>
        beginReconcileRun(
          sql,
          now,
          reconcileSince({ lastReconciledAt: state.lastReconciledAt, connectedAt: account.connectedAt, now }),
        ),
      );
      return { next: "continue" };
    case "list":
      return listPage(context, now);
    case "settle":
      // Mail that arrived while listing shows up in history: read it first, so it is not taken for missing.
      context.transaction(() => {
        setWanted(sql, true);
        setReconcileCursor(sql, { phase: "heal", label: state.run?.label ?? "SENT", pageToken: null, listed: 0 });
      });
      return { next: "continue" };
    case "heal":
      return heal(context, now);
  }
}

async function listPage(context: MailboxContext, now: number): Promise<ReconcileOutcome> {
  const { sql } = context;
  const run = readReconcileState(sql).run;
  if (run === null) return { next: "continue" };
  const wait = reconcileQuotaWait({
    spent: context.quota.live(now),
    limitPerMinute: context.quota.limitPerMinute,
    units: MESSAGES_LIST_UNITS,
    now,
  });
  if (wait !== null) return retryAt(context, wait, false, null);
  let page: MessageList;
  try {
    page = await listMessagesPage(context.gmail, {
      q: reconcileQuery(run.label, run.since),
      pageToken: run.pageToken,
      maxResults: RECONCILE_PAGE_SIZE,
    });
  } catch (error) {
    if (!(error instanceof GmailError) || error.kind === "auth_revoked") throw error;
    if (error.reason === LOCAL_QUOTA_PACING && error.retryAt !== null)
      return retryAt(context, error.retryAt, false, null);
    const hint = Math.max(
      parseRetryAfter(error.retryAfter, now) ?? 0,
      error.retryAt === null ? 0 : error.retryAt - now,
    );
    const failures = readReconcileState(sql).failures + 1;
    log.warn("reconcile_list_failed", { mailbox: context.mailbox, failures, error: error.message });
    return retryAt(context, now + reconcileRetryDelayMs(failures, hint), true, error.message);
  }
  const ids = (page.messages ?? []).map((m) => m.id);
  const nextLabel = page.nextPageToken ? run.label : nextReconcileLabel(run.label);
  context.transaction(() => {
    keepUnknownIds(sql, ids);
    setReconcileCursor(sql, {
      phase: nextLabel === null ? "settle" : "list",
      label: nextLabel ?? run.label,
      pageToken: page.nextPageToken ?? null,
      listed: ids.length,
    });
  });
  return { next: "continue" };
}

function retryAt(context: MailboxContext, at: number, failed: boolean, error: string | null): ReconcileOutcome {
  const state = readReconcileState(context.sql);
  setReconcileRetry(context.sql, {
    failures: state.failures + (failed ? 1 : 0),
    retryAt: at,
    lastError: error ?? state.lastError,
  });
  return { next: "at", at };
}

function heal(context: MailboxContext, now: number): ReconcileOutcome {
  const { sql } = context;
  const state = readReconcileState(sql);
  const run = state.run;
  if (run === null) return { next: "continue" };
  const missing = missingCandidates(sql);
  // What is missing is queued and the run ends together: a crash between would heal nothing or heal twice.
  context.transaction(() => {
    queueHealing(sql, missing);
    addPending(sql, missing);
    finishReconcileRun(sql, {
      startedAt: run.startedAt,
      healed: missing.length,
      nextDueAt: nextReconcileAt(state.dueAt ?? now, now),
    });
    purgeSeen(sql, now);
  });
  log.info("reconcile_done", {
    mailbox: context.mailbox,
    listed: run.listed,
    missing: missing.length,
    since: run.since,
  });
  return { next: "continue" };
}
