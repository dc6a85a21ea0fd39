import { log } from "../log";
import { MAX_MESSAGE_ATTEMPTS } from "../sync/plan";
import { noteParked } from "./sync-seen";
import { nextPending, type PendingMessage } from "./sync-state";

/*
 * Reading 11 (R24): an attempt is counted BEFORE a message is worked on (`open_attempt` = 1 with the count
 * raised) and closed when the work ends: stored, failed (the count stands), or not the message's doing
 * (Gmail down or rate limited, the run threw: the count is given back). An attempt still open when a run
 * starts was cut by the runtime (CPU or memory limit, an isolate reset) mid-message: it stands, and that
 * message is a suspect, worked alone from then on, so the one that keeps killing its import is parked at
 * its third attempt while the others of its chunk go through one by one.
 */

/** Runs first in every sync run: what the previous run left open, the runtime ended. */
export function settleKilledAttempts(sql: SqlStorage, mailbox: string, now: number): void {
  const open = sql
    .exec<{ message_id: string; attempts: number }>(
      "SELECT message_id, attempts FROM sync_pending WHERE open_attempt = 1",
    )
    .toArray();
  const error = "the runtime ended the import of this message (CPU or memory limit, or a reset)";
  for (const { message_id: id, attempts } of open) {
    if (attempts < MAX_MESSAGE_ATTEMPTS) {
      // No backoff: waiting heals an outage, not a message; being worked alone is what finds the culprit.
      sql.exec(
        "UPDATE sync_pending SET open_attempt = 0, suspect = 1, last_error = ?, next_attempt_at = NULL WHERE message_id = ?",
        error,
        id,
      );
      continue;
    }
    sql.exec(
      `INSERT INTO sync_parked (message_id, error, attempts, parked_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (message_id) DO UPDATE SET error = excluded.error, attempts = excluded.attempts, parked_at = excluded.parked_at`,
      id,
      error,
      attempts,
      now,
    );
    sql.exec("DELETE FROM sync_pending WHERE message_id = ?", id);
    noteParked(sql, id); // R30: its `parked` decision is written to the locations with the next chunk.
    log.warn("sync_message_parked", { mailbox, gmailMessageId: id, error });
  }
}

/** The next chunk: a suspect alone when one is due, else the oldest due messages (a whole batch). */
export function nextChunk(sql: SqlStorage, now: number, batchSize: number): PendingMessage[] {
  const suspect = sql
    .exec<{ message_id: string; attempts: number }>(
      "SELECT message_id, attempts FROM sync_pending WHERE suspect = 1 AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY seq LIMIT 1",
      now,
    )
    .toArray()[0];
  if (suspect) return [{ messageId: suspect.message_id, attempts: suspect.attempts }];
  return nextPending(sql, batchSize, now);
}

/** Counts an attempt for each message about to be worked on; written before any await. */
export function openAttempts(sql: SqlStorage, ids: readonly string[]): void {
  for (const id of ids)
    sql.exec("UPDATE sync_pending SET attempts = attempts + 1, open_attempt = 1 WHERE message_id = ?", id);
}

/** Gives the attempt back: what stopped the work was not the message (Gmail unavailable, the run threw). */
export function returnAttempts(sql: SqlStorage, ids?: readonly string[]): void {
  if (ids === undefined) {
    sql.exec("UPDATE sync_pending SET attempts = attempts - 1, open_attempt = 0 WHERE open_attempt = 1");
    return;
  }
  for (const id of ids) {
    sql.exec(
      "UPDATE sync_pending SET attempts = attempts - 1, open_attempt = 0 WHERE message_id = ? AND open_attempt = 1",
      id,
    );
  }
}
