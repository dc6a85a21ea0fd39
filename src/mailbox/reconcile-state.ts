import type { ReconcileLabel } from "../sync/reconcile-plan";

/** The reconcile_state row (sync-seen.ts SYNC_PROOF_MIGRATION): schedule, run under way, backoff. */
export interface ReconcileState {
  lastReconciledAt: number | null;
  /** null until first computed from the start point (firstReconcileAt). */
  dueAt: number | null;
  requestedAt: number | null;
  run: {
    startedAt: number;
    since: number;
    phase: "list" | "settle" | "heal";
    label: ReconcileLabel;
    pageToken: string | null;
    listed: number;
  } | null;
  failures: number;
  retryAt: number | null;
  lastError: string | null;
}

interface Row extends Record<string, SqlStorageValue> {
  last_reconciled_at: number | null;
  due_at: number | null;
  requested_at: number | null;
  run_started_at: number | null;
  run_since: number | null;
  run_phase: string | null;
  run_label: string | null;
  run_page_token: string | null;
  run_listed: number;
  failures: number;
  retry_at: number | null;
  last_error: string | null;
}

export function readReconcileState(sql: SqlStorage): ReconcileState {
  const row = sql.exec<Row>("SELECT * FROM reconcile_state WHERE id = 1").toArray()[0];
  const phase = row?.run_phase;
  const running = row?.run_started_at != null && (phase === "list" || phase === "settle" || phase === "heal");
  return {
    lastReconciledAt: row?.last_reconciled_at ?? null,
    dueAt: row?.due_at ?? null,
    requestedAt: row?.requested_at ?? null,
    run: running
      ? {
          startedAt: row.run_started_at as number,
          since: row.run_since ?? 0,
          phase,
          label: row.run_label === "SENT" ? "SENT" : "INBOX",
          pageToken: row.run_page_token,
          listed: row.run_listed,
        }
      : null,
    failures: row?.failures ?? 0,
    retryAt: row?.retry_at ?? null,
    lastError: row?.last_error ?? null,
  };
}

export function setReconcileDue(sql: SqlStorage, dueAt: number): void {
  sql.exec("UPDATE reconcile_state SET due_at = ? WHERE id = 1", dueAt);
}

export function setReconcileRequested(sql: SqlStorage, at: number): void {
  sql.exec("UPDATE reconcile_state SET requested_at = ? WHERE id = 1", at);
}

export function beginReconcileRun(sql: SqlStorage, startedAt: number, since: number): void {
  sql.exec("DELETE FROM reconcile_candidates");
  sql.exec(
    `UPDATE reconcile_state SET run_started_at = ?, run_since = ?, run_phase = 'list', run_label = 'INBOX',
       run_page_token = NULL, run_listed = 0, run_healed = 0, failures = 0, retry_at = NULL, last_error = NULL WHERE id = 1`,
    startedAt,
    since,
  );
}

/** After a listing page: where the listing continues (or that it moves on to the settle phase). */
export function setReconcileCursor(
  sql: SqlStorage,
  next: { phase: "list" | "settle" | "heal"; label: ReconcileLabel; pageToken: string | null; listed: number },
): void {
  sql.exec(
    "UPDATE reconcile_state SET run_phase = ?, run_label = ?, run_page_token = ?, run_listed = run_listed + ?, failures = 0, retry_at = NULL, last_error = NULL WHERE id = 1",
    next.phase,
    next.label,
    next.pageToken,
    next.listed,
  );
}

/** A failed or paced listing call: try again at `retryAt` (failures grow only for Google's refusals). */
export function setReconcileRetry(
  sql: SqlStorage,
  retry: { failures: number; retryAt: number; lastError: string | null },
): void {
  sql.exec(
    "UPDATE reconcile_state SET failures = ?, retry_at = ?, last_error = ? WHERE id = 1",
    retry.failures,
    retry.retryAt,
    retry.lastError,
  );
}

export function finishReconcileRun(
  sql: SqlStorage,
  run: { startedAt: number; healed: number; nextDueAt: number },
): void {
  sql.exec("DELETE FROM reconcile_candidates");
  sql.exec(
    `UPDATE reconcile_state SET last_reconciled_at = ?, due_at = ?, requested_at = NULL, run_started_at = NULL,
       run_since = NULL, run_phase = NULL, run_label = NULL, run_page_token = NULL, run_healed = ?, failures = 0,
       retry_at = NULL, last_error = NULL WHERE id = 1`,
    run.startedAt,
    run.nextDueAt,
    run.healed,
  );
}

/** A fresh connection (new start point, R2): no run, no schedule yet; the last reconciliation is forgotten. */
export function resetReconciliation(sql: SqlStorage): void {
  sql.exec("DELETE FROM reconcile_candidates");
  sql.exec(
    `UPDATE reconcile_state SET last_reconciled_at = NULL, due_at = NULL, requested_at = NULL, run_started_at = NULL,
       run_since = NULL, run_phase = NULL, run_label = NULL, run_page_token = NULL, run_listed = 0, run_healed = 0,
       failures = 0, retry_at = NULL, last_error = NULL WHERE id = 1`,
  );
}

/**
 * Keeps the ids of one listing page that the mailbox does not know as decided: never seen, or seen while
 * their labels kept them out (now in INBOX or SENT: moved there later, R8). Pending and parked ids are
 * known. Returns how many were kept.
 */
export function keepUnknownIds(sql: SqlStorage, ids: readonly string[]): number {
  let kept = 0;
  for (const id of ids) {
    const seen = sql
      .exec<{ seen_at: number; label_skipped: number }>(
        "SELECT seen_at, label_skipped FROM sync_seen WHERE message_id = ?",
        id,
      )
      .toArray()[0];
    if (seen && seen.label_skipped === 0) continue;
    if (
      sql
        .exec(
          "SELECT 1 FROM sync_pending WHERE message_id = ? UNION ALL SELECT 1 FROM sync_parked WHERE message_id = ?",
          id,
          id,
        )
        .toArray().length > 0
    )
      continue;
    sql.exec(
      "INSERT INTO reconcile_candidates (message_id, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
      id,
      seen?.seen_at ?? null,
    );
    kept += 1;
  }
  return kept;
}

/**
 * After history caught up: the candidates still unknown are missing. A candidate decided meanwhile (seen
 * since the listing), queued or parked is not. Returns the missing ids.
 */
export function missingCandidates(sql: SqlStorage): string[] {
  return sql
    .exec<{ message_id: string }>(
      `SELECT c.message_id FROM reconcile_candidates c
       LEFT JOIN sync_seen s ON s.message_id = c.message_id
       WHERE (s.message_id IS NULL OR (s.seen_at IS c.seen_at AND s.label_skipped = 1))
         AND NOT EXISTS (SELECT 1 FROM sync_pending p WHERE p.message_id = c.message_id)
         AND NOT EXISTS (SELECT 1 FROM sync_parked k WHERE k.message_id = c.message_id)`,
    )
    .toArray()
    .map((r) => r.message_id);
}

/** Queues missing messages like new mail; their decisions will count as healed (R30, exactly once). */
export function queueHealing(sql: SqlStorage, ids: readonly string[]): void {
  for (const id of ids) sql.exec("INSERT INTO sync_healing (message_id) VALUES (?) ON CONFLICT DO NOTHING", id);
}
