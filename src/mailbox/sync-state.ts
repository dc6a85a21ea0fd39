import type { SyncProgress } from "../sync/plan";

/**
 * The sync's durable state inside the mailbox Durable Object (tables from storage-schema.ts):
 * - sync_state   one row: the highest pushed history id, whether a sync is wanted, the scan under way,
 *                the cursor it leads to, and the backoff after a failed run;
 * - sync_pending messages a scan reported, in history order, not yet committed to D1 (or parked);
 * - sync_parked  messages that failed MAX_MESSAGE_ATTEMPTS times (R24), kept with their error.
 * All writes are synchronous SQL within one DO turn: each one is atomic with what surrounds it.
 */
export const SYNC_STORAGE_MIGRATION = `
  CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    notified_history_id TEXT,
    wanted INTEGER NOT NULL DEFAULT 0,
    scan_kind TEXT,
    scan_page_token TEXT,
    scan_query TEXT,
    scan_target TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at INTEGER,
    last_error TEXT
  );
  INSERT INTO sync_state (id) VALUES (1);
  CREATE TABLE sync_pending (
    message_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  CREATE INDEX sync_pending_seq ON sync_pending (seq);
  CREATE TABLE sync_parked (
    message_id TEXT PRIMARY KEY,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    parked_at INTEGER NOT NULL
  );`;

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

export function writeSyncState(sql: SqlStorage, s: SyncStateRow): void {
  sql.exec(
    `UPDATE sync_state SET notified_history_id = ?, wanted = ?, scan_kind = ?, scan_page_token = ?, scan_query = ?,
       scan_target = ?, failures = ?, retry_at = ?, last_error = ? WHERE id = 1`,
    s.notifiedHistoryId,
    s.wanted ? 1 : 0,
    s.scan?.kind ?? null,
    s.scan?.pageToken ?? null,
    s.scanQuery,
    s.scanTarget,
    s.failures,
    s.retryAt,
    s.lastError,
  );
}

export interface PendingMessage {
  messageId: string;
  attempts: number;
}

/** Appends ids in order; ids already pending or parked are left as they are (a report twice is one). */
export function addPending(sql: SqlStorage, ids: readonly string[]): void {
  if (ids.length === 0) return;
  let seq = sql.exec<{ s: number }>("SELECT coalesce(max(seq), 0) AS s FROM sync_pending").one().s;
  for (const id of ids) {
    seq += 1;
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

export function countPending(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM sync_pending").one().n;
}

/** The oldest pending messages, in history order. */
export function nextPending(sql: SqlStorage, limit: number): PendingMessage[] {
  return sql
    .exec<{ message_id: string; attempts: number }>("SELECT message_id, attempts FROM sync_pending ORDER BY seq LIMIT ?", limit)
    .toArray()
    .map((r) => ({ messageId: r.message_id, attempts: r.attempts }));
}

/**
 * Counts a failed attempt. R24: at the last allowed attempt the message is parked (kept with its
 * error) and leaves the queue, so the sync goes on. Returns true when it was parked.
 */
export function recordFailure(sql: SqlStorage, id: string, error: string, maxAttempts: number, now: number): boolean {
  const row = sql.exec<{ attempts: number }>("SELECT attempts FROM sync_pending WHERE message_id = ?", id).toArray()[0];
  const attempts = (row?.attempts ?? 0) + 1;
  if (attempts < maxAttempts) {
    sql.exec("UPDATE sync_pending SET attempts = ?, last_error = ? WHERE message_id = ?", attempts, error.slice(0, 500), id);
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
  return true;
}

export function countParked(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM sync_parked").one().n;
}

export function listParked(sql: SqlStorage): { messageId: string; error: string; attempts: number; parkedAt: number }[] {
  return sql
    .exec<{ message_id: string; error: string; attempts: number; parked_at: number }>("SELECT * FROM sync_parked ORDER BY parked_at")
    .toArray()
    .map((r) => ({ messageId: r.message_id, error: r.error, attempts: r.attempts, parkedAt: r.parked_at }));
}
