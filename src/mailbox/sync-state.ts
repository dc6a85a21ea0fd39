import { compareHistoryIds } from "../sync/history-fold";
import { nextMessageAttemptAt, type SyncProgress } from "../sync/plan";
import { resetReconciliation } from "./reconcile-state";
import { noteParked } from "./sync-seen";
import { resetStateQueues } from "./state-queue";

/**
 * The sync's durable state inside the mailbox Durable Object (tables made by sync-schema.ts, v5 of the list):
 * - sync_state   one row: the highest pushed history id, whether a sync is wanted, the scan under way,
 *                the cursor it leads to, the backoff after a failed run, and reading 15's trailing read;
 * - sync_pending messages a scan reported, in history order, not yet committed to D1 (or parked), with
 *                their failed attempts, when the next is due (R24: backoff spread over alarms) and reading
 *                11's attempt under way;
 * - sync_parked  messages that failed MAX_MESSAGE_ATTEMPTS times (R24), kept with their error.
 * Each write is one statement; a caller whose writes must land together runs them in one transaction.
 */
export interface SyncStateRow {
  notifiedHistoryId: string | null;
  wanted: boolean;
  scan: SyncProgress["scan"];
  scanQuery: string | null;
  scanTarget: string | null;
  failures: number;
  retryAt: number | null;
  lastError: string | null;
}

interface Row extends Record<string, SqlStorageValue> {
  notified_history_id: string | null;
  wanted: number;
  scan_kind: string | null;
  scan_page_token: string | null;
  scan_query: string | null;
  scan_target: string | null;
  failures: number;
  retry_at: number | null;
  last_error: string | null;
}

export function readSyncState(sql: SqlStorage): SyncStateRow {
  const row = sql.exec<Row>("SELECT * FROM sync_state WHERE id = 1").toArray()[0];
  const kind = row?.scan_kind;
  return {
    notifiedHistoryId: row?.notified_history_id ?? null,
    wanted: row?.wanted === 1,
    scan: kind === "history" || kind === "list" ? { kind, pageToken: row?.scan_page_token ?? null } : null,
    scanQuery: row?.scan_query ?? null,
    scanTarget: row?.scan_target ?? null,
    failures: row?.failures ?? 0,
    retryAt: row?.retry_at ?? null,
    lastError: row?.last_error ?? null,
  };
}

/*
 * Targeted updates, never a whole-row write: a notify() RPC may run while the alarm awaits Gmail, and
 * must not have its `wanted` flag overwritten by a copy the alarm read before.
 */

/** notify(): remembers the highest pushed id and asks for a sync when it is beyond what is known. */
export function recordNotification(sql: SqlStorage, historyId: string, known: string | null): boolean {
  const state = readSyncState(sql);
  const highest =
    state.notifiedHistoryId === null || compareHistoryIds(historyId, state.notifiedHistoryId) > 0
      ? historyId
      : state.notifiedHistoryId;
  const wanted = known === null || compareHistoryIds(historyId, known) > 0;
  sql.exec(
    "UPDATE sync_state SET notified_history_id = ?, wanted = CASE WHEN ? THEN 1 ELSE wanted END WHERE id = 1",
    highest,
    wanted ? 1 : 0,
  );
  return wanted;
}

export function setWanted(sql: SqlStorage, wanted: boolean): void {
  sql.exec("UPDATE sync_state SET wanted = ? WHERE id = 1", wanted ? 1 : 0);
}

export function setScan(sql: SqlStorage, scan: SyncProgress["scan"], query?: string | null): void {
  sql.exec(
    "UPDATE sync_state SET scan_kind = ?, scan_page_token = ? WHERE id = 1",
    scan?.kind ?? null,
    scan?.pageToken ?? null,
  );
  if (query !== undefined) sql.exec("UPDATE sync_state SET scan_query = ? WHERE id = 1", query);
}

export function setScanTarget(sql: SqlStorage, target: string | null): void {
  sql.exec("UPDATE sync_state SET scan_target = ? WHERE id = 1", target);
}

export function setFailure(
  sql: SqlStorage,
  failure: { failures: number; retryAt: number | null; lastError: string | null },
): void {
  sql.exec(
    "UPDATE sync_state SET failures = ?, retry_at = ?, last_error = ? WHERE id = 1",
    failure.failures,
    failure.retryAt,
    failure.lastError,
  );
}

export interface PendingMessage {
  messageId: string;
  attempts: number;
}

/**
 * Queues ids; ids already pending or parked are left as they are (a report twice is one). History
 * reports oldest first and goes after the queue; a catch-up listing reports newest first and goes
 * before it, each id older than the last, so the queue is always worked oldest first (R11's thread order).
 */
export function addPending(
  sql: SqlStorage,
  ids: readonly string[],
  order: "oldest_first" | "newest_first" = "oldest_first",
): void {
  if (ids.length === 0) return;
  const step = order === "oldest_first" ? 1 : -1;
  const edge = order === "oldest_first" ? "coalesce(max(seq), 0)" : "coalesce(min(seq), 0)";
  let seq = sql.exec<{ s: number }>(`SELECT ${edge} AS s FROM sync_pending`).one().s;
  for (const id of ids) {
    seq += step;
    sql.exec(
      "INSERT INTO sync_pending (message_id, seq) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sync_parked WHERE message_id = ?) ON CONFLICT DO NOTHING",
      id,
      seq,
      id,
    );
  }
}

export function removePending(sql: SqlStorage, ids: readonly string[]): void {
  for (const id of ids) sql.exec("DELETE FROM sync_pending WHERE message_id = ?", id);
}

/** The queue at `now`: how many are pending, how many of them are due, when the first waiting one is. */
export function pendingAt(sql: SqlStorage, now: number): { count: number; due: number; nextAt: number | null } {
  const row = sql
    .exec<{ n: number; due: number; next_at: number | null }>(
      `SELECT count(*) AS n, coalesce(sum(CASE WHEN next_attempt_at IS NULL OR next_attempt_at <= ? THEN 1 ELSE 0 END), 0) AS due,
              min(CASE WHEN next_attempt_at > ? THEN next_attempt_at END) AS next_at FROM sync_pending`,
      now,
      now,
    )
    .one();
  return { count: row.n, due: row.due, nextAt: row.next_at };
}

/** The oldest pending messages due at `now`, in history order (those waiting out a backoff are skipped). */
export function nextPending(sql: SqlStorage, limit: number, now: number): PendingMessage[] {
  return sql
    .exec<{ message_id: string; attempts: number }>(
      "SELECT message_id, attempts FROM sync_pending WHERE next_attempt_at IS NULL OR next_attempt_at <= ? ORDER BY seq LIMIT ?",
      now,
      limit,
    )
    .toArray()
    .map((r) => ({ messageId: r.message_id, attempts: r.attempts }));
}

/**
 * Counts a failed attempt. R24: the next one waits until `nextMessageAttemptAt` (a later alarm; the
 * rest of the queue goes on meanwhile); at the last allowed attempt the message is parked (kept with
 * its error) and leaves the queue. Returns true when it was parked.
 */
export function recordFailure(sql: SqlStorage, id: string, error: string, now: number): boolean {
  const row = sql
    .exec<{ attempts: number; open_attempt: number }>(
      "SELECT attempts, open_attempt FROM sync_pending WHERE message_id = ?",
      id,
    )
    .toArray()[0];
  // An attempt opened before the work (sync-attempts.ts) is already counted: it ends here.
  const attempts = (row?.attempts ?? 0) + (row?.open_attempt === 1 ? 0 : 1);
  const retryAt = nextMessageAttemptAt(attempts, now);
  if (retryAt !== null) {
    sql.exec(
      "UPDATE sync_pending SET attempts = ?, open_attempt = 0, last_error = ?, next_attempt_at = ? WHERE message_id = ?",
      attempts,
      error.slice(0, 500),
      retryAt,
      id,
    );
    return false;
  }
  sql.exec(
    `INSERT INTO sync_parked (message_id, error, attempts, parked_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (message_id) DO UPDATE SET error = excluded.error, attempts = excluded.attempts, parked_at = excluded.parked_at`,
    id,
    error.slice(0, 500),
    attempts,
    now,
  );
  sql.exec("DELETE FROM sync_pending WHERE message_id = ?", id);
  noteParked(sql, id);
  return true;
}

export function countParked(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM sync_parked").one().n;
}

/** Forgets queued work and scan progress (a new connection starts from its own cursor, R2). Parked rows stay. */
export function resetSync(sql: SqlStorage): void {
  sql.exec("DELETE FROM sync_pending");
  sql.exec("DELETE FROM sync_healing");
  resetReconciliation(sql);
  resetStateQueues(sql);
  sql.exec(
    "UPDATE sync_state SET notified_history_id = NULL, wanted = 0, scan_kind = NULL, scan_page_token = NULL, scan_query = NULL, scan_target = NULL, failures = 0, retry_at = NULL, last_error = NULL WHERE id = 1",
  );
}
