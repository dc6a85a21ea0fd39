import { err, ok, type Result } from "../util/result";
import { readReconcileState, setReconcileRequested } from "./reconcile-state";
import type { MailboxContext } from "./context";
import { queueStateOf } from "./sync-seen";
import { readSyncState } from "./sync-state";

/*
 * R30's Durable Object verbs: what the mailbox knows of one Gmail id (explain's fallback for messages not
 * yet decided in D1), the last reconciliation, and "reconcile now".
 */

export type ReconcileRequestOutcome = Result<{ requestedAt: number }, "not_connected" | "needs_reauth">;

/**
 * API.md: the next reconciliation starts within a minute; a request while one is queued or running
 * answers that one's time. The alarm is set no earlier than a sync backoff in force.
 */
export async function requestReconciliation(context: MailboxContext): Promise<ReconcileRequestOutcome> {
  const { account, storage } = context;
  if (account === null || account.status === "disconnected") return err("not_connected");
  if (account.status !== "active") return err("needs_reauth");
  const state = readReconcileState(context.sql);
  const already = state.requestedAt ?? state.run?.startedAt ?? null;
  if (already !== null) {
    if (state.requestedAt === null) setReconcileRequested(context.sql, already);
    return ok({ requestedAt: already });
  }
  const now = context.now();
  setReconcileRequested(context.sql, now);
  const when = Math.max(now, readSyncState(context.sql).retryAt ?? 0);
  const current = await storage.getAlarm();
  if (current === null || current > when) await storage.setAlarm(when);
  return ok({ requestedAt: now });
}

export interface ProofStatus {
  lastReconciledAt: number | null;
  /** The Gmail id as the mailbox's queue knows it (D1 holds the decisions themselves). */
  queueState: "pending" | "parked" | "seen" | "unknown" | null;
}

export function readProofStatus(sql: SqlStorage, gmailMessageId: string | null): ProofStatus {
  return {
    lastReconciledAt: readReconcileState(sql).lastReconciledAt,
    queueState: gmailMessageId === null ? null : queueStateOf(sql, gmailMessageId),
  };
}
