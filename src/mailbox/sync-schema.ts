import { STATE_QUEUE_MIGRATION } from "./state-queue";

/** The sync's tables (sync-state.ts says what each holds), as v5 of storage-schema.ts's list makes them. */
export const SYNC_QUEUE_MIGRATION = `
  CREATE TABLE IF NOT EXISTS sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    notified_history_id TEXT,
    wanted INTEGER NOT NULL DEFAULT 0,
    scan_kind TEXT,
    scan_page_token TEXT,
    scan_query TEXT,
    scan_target TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at INTEGER,
    last_error TEXT,
    trailing_read_at INTEGER
  );
  INSERT INTO sync_state (id) VALUES (1) ON CONFLICT DO NOTHING;
  CREATE TABLE IF NOT EXISTS sync_pending (
    message_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at INTEGER,
    open_attempt INTEGER NOT NULL DEFAULT 0,
    suspect INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS sync_pending_seq ON sync_pending (seq);
  CREATE TABLE IF NOT EXISTS sync_parked (
    message_id TEXT PRIMARY KEY,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    parked_at INTEGER NOT NULL
  );`;

/** Columns added to the sync's tables after they first shipped, as the code before v5 added them. */
const ADDED_COLUMNS: readonly { table: string; column: string; definition: string }[] = [
  { table: "sync_pending", column: "next_attempt_at", definition: "INTEGER" },
  { table: "sync_pending", column: "open_attempt", definition: "INTEGER NOT NULL DEFAULT 0" },
  { table: "sync_pending", column: "suspect", definition: "INTEGER NOT NULL DEFAULT 0" },
  { table: "sync_state", column: "trailing_read_at", definition: "INTEGER" },
];

/**
 * v5: the sync's tables (and R26's, state-queue.ts). Before v5 they were made outside the versioned list, at
 * every start, with IF NOT EXISTS and a pragma check for columns added later. So this entry, run once, makes
 * them on a fresh object and adopts them on an object stored before, bringing a table an older build made to
 * the same shape (IF NOT EXISTS keeps its rows; the check adds what it lacks).
 */
export function migrateSyncStorage(sql: SqlStorage): void {
  sql.exec(SYNC_QUEUE_MIGRATION);
  for (const { table, column, definition } of ADDED_COLUMNS) {
    const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info(?)", table).toArray();
    if (!columns.some((c) => c.name === column)) sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
  sql.exec(STATE_QUEUE_MIGRATION);
}
