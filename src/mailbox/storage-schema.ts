import { QUOTA_SPENDS_MIGRATION } from "./quota-spends";
import { SEND_LOG_MIGRATION } from "./send-log";
import { SYNC_PROOF_MIGRATION } from "./sync-seen";

/**
 * The mailbox Durable Object's own SQLite schema. Versioned: each entry runs once, in order, inside the
 * constructor's blockConcurrencyWhile, and `schema_version` records how far a stored object has come.
 * Append new entries (sync state, send quota…); never edit one that has shipped.
 *
 * v1 account      one row (id = 1): the Google account, its sealed grant, cursor, watch and status
 *    connections  the locations where the owner uses this mailbox (R1: one owner, many locations)
 */
export const MAILBOX_MIGRATIONS: readonly string[] = [
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
];

export function migrateMailboxStorage(sql: SqlStorage): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
  );
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version WHERE id = 1").toArray()[0];
  const current = row?.version ?? 0;
  for (let version = current; version < MAILBOX_MIGRATIONS.length; version += 1) {
    sql.exec(MAILBOX_MIGRATIONS[version] ?? "");
  }
  if (current < MAILBOX_MIGRATIONS.length) {
    sql.exec(
      "INSERT INTO schema_version (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
      MAILBOX_MIGRATIONS.length,
    );
  }
}
