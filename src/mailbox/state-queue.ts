import type { StateChange } from "../sync/state-fold";

/*
 * R26's durable state inside the mailbox Durable Object (made by v5 of storage-schema.ts's list, with the
 * sync's tables: sync-state.ts):
 * - sync_state_changes  what the history walk (or a refresh after a gap) learnt about messages' Gmail state,
 *                       one row per Gmail message, the newest record winning field by field; applied to
 *                       every stored copy before the cursor moves, then removed;
 * - sync_state_refresh  after a history gap (404), stored messages whose state must be read again from Gmail.
 */
export const STATE_QUEUE_MIGRATION = `
  CREATE TABLE IF NOT EXISTS sync_state_changes (
    message_id TEXT PRIMARY KEY,
    unread INTEGER,
    trashed INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
  );
  CREATE TABLE IF NOT EXISTS sync_state_refresh (message_id TEXT PRIMARY KEY);`;

const bit = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);

/** Merges newer knowledge over what is queued: a field named here wins, a field not named stays. */
export function recordStateChanges(sql: SqlStorage, changes: ReadonlyMap<string, StateChange>): void {
  for (const [id, change] of changes) {
    sql.exec(
      `INSERT INTO sync_state_changes (message_id, unread, trashed, deleted) VALUES (?, ?, ?, ?)
       ON CONFLICT (message_id) DO UPDATE SET unread = coalesce(excluded.unread, unread),
         trashed = coalesce(excluded.trashed, trashed), deleted = max(deleted, excluded.deleted), version = version + 1`,
      id,
      bit(change.unread),
      bit(change.trashed),
      change.deleted ? 1 : 0,
    );
  }
}

export interface QueuedStateChange {
  messageId: string;
  change: StateChange;
  version: number;
}

export function nextStateChanges(sql: SqlStorage, limit: number): QueuedStateChange[] {
  return sql
    .exec<{ message_id: string; unread: number | null; trashed: number | null; deleted: number; version: number }>(
      "SELECT * FROM sync_state_changes ORDER BY message_id LIMIT ?",
      limit,
    )
    .toArray()
    .map((r) => {
      const change: StateChange = {};
      if (r.unread !== null) change.unread = r.unread === 1;
      if (r.trashed !== null) change.trashed = r.trashed === 1;
      if (r.deleted === 1) change.deleted = true;
      return { messageId: r.message_id, change, version: r.version };
    });
}

/** Removes applied changes; one merged meanwhile (a newer version) stays for the next apply. */
export function removeStateChanges(sql: SqlStorage, applied: readonly QueuedStateChange[]): void {
  for (const item of applied) {
    sql.exec("DELETE FROM sync_state_changes WHERE message_id = ? AND version = ?", item.messageId, item.version);
  }
}

/**
 * The CRM set this message's state in Gmail (PATCH): everything queued about it is older than that
 * change, so it is dropped rather than applied over the newer state.
 */
export function forgetStateChange(sql: SqlStorage, messageId: string): void {
  sql.exec("DELETE FROM sync_state_changes WHERE message_id = ?", messageId);
}

export function countStateChanges(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM sync_state_changes").one().n;
}

export function queueStateRefresh(sql: SqlStorage, ids: readonly string[]): void {
  for (const id of ids) sql.exec("INSERT INTO sync_state_refresh (message_id) VALUES (?) ON CONFLICT DO NOTHING", id);
}

export function nextStateRefresh(sql: SqlStorage, limit: number): string[] {
  return sql
    .exec<{ message_id: string }>("SELECT message_id FROM sync_state_refresh ORDER BY message_id LIMIT ?", limit)
    .toArray()
    .map((r) => r.message_id);
}

export function removeStateRefresh(sql: SqlStorage, ids: readonly string[]): void {
  for (const id of ids) sql.exec("DELETE FROM sync_state_refresh WHERE message_id = ?", id);
}

export function countStateRefresh(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM sync_state_refresh").one().n;
}

/** A new connection starts from its own cursor (R2): nothing learnt under the old one is applied. */
export function resetStateQueues(sql: SqlStorage): void {
  sql.exec("DELETE FROM sync_state_changes");
  sql.exec("DELETE FROM sync_state_refresh");
}

/**
 * Messages already synced that history reports again (a restore from Trash, a move back to the Inbox re-adds
 * INBOX): their state is applied, so they need no new fetch (R26: a state change costs no messages.get), and
 * reading 1 keeps them where they were decided. Only queue entries never tried are dropped: one that failed
 * in some location (R24) keeps its retries.
 */
export function dropSyncedFromPending(sql: SqlStorage, ids: Iterable<string>): void {
  for (const id of ids)
    sql.exec("DELETE FROM sync_pending WHERE message_id = ? AND attempts = 0 AND open_attempt = 0", id);
}
