/*
 * R30 inside the mailbox Durable Object: which Gmail messages the sync has decided (so a reconciliation
 * can tell a missing one from a known one without reading D1), which queued ones a reconciliation found
 * missing (their decisions count as healed), and which parked ones still need their `parked` decision
 * written to D1.
 *
 * sync_seen             one row per decided message: when, and whether its labels kept it out everywhere
 *                       (such a message found in INBOX or SENT later was moved there: R8's "moved there later")
 * sync_healing          queued by a reconciliation, not yet decided
 * sync_parked_unrecorded parked (R24) and not yet recorded as a decision in the locations' databases
 * reconcile_candidates  ids a reconciliation listed and did not know, waiting for history to catch up
 * reconcile_state       one row: the daily reconciliation's schedule, the run under way, its backoff
 */
export const SYNC_PROOF_MIGRATION = `
  CREATE TABLE sync_seen (
    message_id TEXT PRIMARY KEY,
    seen_at INTEGER NOT NULL,
    label_skipped INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX sync_seen_at ON sync_seen (seen_at);
  CREATE TABLE sync_healing (message_id TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TABLE sync_parked_unrecorded (message_id TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TABLE reconcile_candidates (message_id TEXT PRIMARY KEY, seen_at INTEGER) WITHOUT ROWID;
  CREATE TABLE reconcile_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_reconciled_at INTEGER,
    due_at INTEGER,
    requested_at INTEGER,
    run_started_at INTEGER,
    run_since INTEGER,
    run_phase TEXT,
    run_label TEXT,
    run_page_token TEXT,
    run_listed INTEGER NOT NULL DEFAULT 0,
    run_healed INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at INTEGER,
    last_error TEXT
  );
  INSERT INTO reconcile_state (id) VALUES (1);`;

/** Seen rows are kept a little longer than a reconciliation ever looks back (reconcile-plan.ts). */
export const SEEN_RETENTION_MS = 35 * 86_400_000;

/** Of these ids, the ones a reconciliation queued (their decisions are `healed`). */
export function healingAmong(sql: SqlStorage, ids: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const id of ids) {
    if (sql.exec("SELECT 1 FROM sync_healing WHERE message_id = ?", id).toArray().length > 0) out.add(id);
  }
  return out;
}

/** Messages whose rows and decisions are committed: they leave the queue and are known from now on. */
export function markDecided(
  sql: SqlStorage,
  decided: readonly { id: string; labelSkipped: boolean }[],
  now: number,
): void {
  for (const { id, labelSkipped } of decided) {
    sql.exec("DELETE FROM sync_pending WHERE message_id = ?", id);
    sql.exec("DELETE FROM sync_healing WHERE message_id = ?", id);
    sql.exec(
      `INSERT INTO sync_seen (message_id, seen_at, label_skipped) VALUES (?, ?, ?)
       ON CONFLICT (message_id) DO UPDATE SET seen_at = excluded.seen_at, label_skipped = excluded.label_skipped`,
      id,
      now,
      labelSkipped ? 1 : 0,
    );
  }
}

/** A queued message Gmail no longer has: nothing to decide, nothing to heal. */
export function forgetQueued(sql: SqlStorage, id: string): void {
  sql.exec("DELETE FROM sync_pending WHERE message_id = ?", id);
  sql.exec("DELETE FROM sync_healing WHERE message_id = ?", id);
}

/** Called when R24 parks a message (sync-state.ts recordFailure). */
export function noteParked(sql: SqlStorage, id: string): void {
  sql.exec("DELETE FROM sync_healing WHERE message_id = ?", id);
  sql.exec("INSERT INTO sync_parked_unrecorded (message_id) VALUES (?) ON CONFLICT DO NOTHING", id);
}

export function parkedNotRecorded(sql: SqlStorage, limit = 200): string[] {
  return sql
    .exec<{ message_id: string }>("SELECT message_id FROM sync_parked_unrecorded LIMIT ?", limit)
    .toArray()
    .map((r) => r.message_id);
}

export function markParkedRecorded(sql: SqlStorage, ids: readonly string[]): void {
  for (const id of ids) sql.exec("DELETE FROM sync_parked_unrecorded WHERE message_id = ?", id);
}

/** What the mailbox knows of one Gmail id without D1: R30's explain falls back on it. */
export function queueStateOf(sql: SqlStorage, id: string): "pending" | "parked" | "seen" | "unknown" {
  if (sql.exec("SELECT 1 FROM sync_pending WHERE message_id = ?", id).toArray().length > 0) return "pending";
  if (sql.exec("SELECT 1 FROM sync_parked WHERE message_id = ?", id).toArray().length > 0) return "parked";
  if (sql.exec("SELECT 1 FROM sync_seen WHERE message_id = ?", id).toArray().length > 0) return "seen";
  return "unknown";
}

export function purgeSeen(sql: SqlStorage, now: number): void {
  sql.exec("DELETE FROM sync_seen WHERE seen_at < ?", now - SEEN_RETENTION_MS);
}
