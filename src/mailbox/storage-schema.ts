import { QUOTA_SPENDS_MIGRATION } from "./quota-spends";
import { SEND_LOG_MIGRATION } from "./send-log";
import { SYNC_PROOF_MIGRATION } from "./sync-seen";
import { migrateSyncStorage } from "./sync-schema";

/** One step of the schema: SQL, or a function for a step SQL alone cannot say (v5 adopts older tables). */
type Migration = string | ((sql: SqlStorage) => void);

/**
 * The mailbox Durable Object's own SQLite schema, the one list of it. Versioned: each entry runs once, in
 * order; mailbox.ts runs them in its constructor's blockConcurrencyWhile, all in one transactionSync, and
 * `schema_version` records how far a stored object has come. Append new entries; never edit one that has shipped.
 *
 * v1 account      one row (id = 1): the Google account, its sealed grant, cursor, watch and status
 *    connections  the locations where the owner uses this mailbox (R1: one owner, many locations)
 */
export const MAILBOX_MIGRATIONS: readonly Migration[] = [
  `CREATE TABLE account (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     address TEXT NOT NULL,
     owner_user_id TEXT NOT NULL,
     status TEXT NOT NULL,
     grant_kid TEXT,
     grant_iv TEXT,
     grant_ciphertext TEXT,
     scopes TEXT NOT NULL DEFAULT '',
     connected_at INTEGER NOT NULL,
     history_id TEXT,
     watch_expires_at INTEGER,
     watch_renewed_at INTEGER,
     watch_failures INTEGER NOT NULL DEFAULT 0,
     watch_next_attempt_at INTEGER,
     watch_error TEXT,
     last_synced_at INTEGER,
     reauth_reason TEXT,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE connections (
     location_id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     connected_at INTEGER NOT NULL
   );`,
  // v2 sends, send_block: R16's counted sends by Message-ID (R25) and Gmail's own sending-limit block.
  SEND_LOG_MIGRATION,
  // v3 quota_spend: the Gmail quota pacer's sliding window, one row per second (quota-spends.ts).
  QUOTA_SPENDS_MIGRATION,
  // v4 sync_seen, sync_healing, sync_parked_unrecorded, reconcile_*: R30's proof and daily reconciliation.
  SYNC_PROOF_MIGRATION,
  // v5 sync_state, sync_pending, sync_parked, sync_state_changes, sync_state_refresh: the sync's queue and R26's
  // state queue (sync-schema.ts); on an object stored before v5, the tables it already has are adopted.
  migrateSyncStorage,
];

export function migrateMailboxStorage(sql: SqlStorage): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
  );
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version WHERE id = 1").toArray()[0];
  const current = row?.version ?? 0;
  for (let version = current; version < MAILBOX_MIGRATIONS.length; version += 1) {
    const migration = MAILBOX_MIGRATIONS[version];
    if (typeof migration === "function") migration(sql);
    else if (migration) sql.exec(migration);
  }
  if (current < MAILBOX_MIGRATIONS.length) {
    sql.exec(
      "INSERT INTO schema_version (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
      MAILBOX_MIGRATIONS.length,
    );
  }
}
