/*
 * The mailbox's record of its Gmail sends, in the Durable Object's SQLite: one row per send that counts
 * against R16 (reserved before Gmail is called, removed if Gmail refuses), keyed by our Message-ID so a
 * retried send finds what became of the first attempt (R25), and Gmail's own sending-limit block.
 */

export type SendState = "reserved" | "unknown" | "sent";

export interface SendRecord {
  messageIdHeader: string;
  reservedAt: number;
  state: SendState;
  locationId: string;
  gmailMessageId: string | null;
  gmailThreadId: string | null;
}

export const SEND_LOG_MIGRATION = `CREATE TABLE sends (
     message_id_header TEXT PRIMARY KEY,
     reserved_at INTEGER NOT NULL,
     state TEXT NOT NULL,
     location_id TEXT NOT NULL,
     gmail_message_id TEXT,
     gmail_thread_id TEXT
   );
   CREATE INDEX sends_reserved_at_idx ON sends (reserved_at);
   CREATE TABLE send_block (id INTEGER PRIMARY KEY CHECK (id = 1), until INTEGER NOT NULL);`;

interface SendRow extends Record<string, SqlStorageValue> {
  message_id_header: string;
  reserved_at: number;
  state: string;
  location_id: string;
  gmail_message_id: string | null;
  gmail_thread_id: string | null;
}

export function findSend(sql: SqlStorage, messageIdHeader: string): SendRecord | null {
  const row = sql.exec<SendRow>("SELECT * FROM sends WHERE message_id_header = ?", messageIdHeader).toArray()[0];
  if (!row) return null;
  return {
    messageIdHeader: row.message_id_header,
    reservedAt: row.reserved_at,
    state: row.state as SendState,
    locationId: row.location_id,
    gmailMessageId: row.gmail_message_id,
    gmailThreadId: row.gmail_thread_id,
  };
}

/** Send times within the window, oldest first: what R16 counts. Older rows are pruned on the way. */
export function sendTimesSince(sql: SqlStorage, since: number, pruneBefore: number): number[] {
  sql.exec("DELETE FROM sends WHERE reserved_at < ?", pruneBefore);
  return sql
    .exec<{ reserved_at: number }>("SELECT reserved_at FROM sends WHERE reserved_at > ? ORDER BY reserved_at", since)
    .toArray()
    .map((r) => r.reserved_at);
}

export function reserveSend(
  sql: SqlStorage,
  record: { messageIdHeader: string; locationId: string; now: number },
): void {
  sql.exec(
    "INSERT INTO sends (message_id_header, reserved_at, state, location_id) VALUES (?, ?, 'reserved', ?)",
    record.messageIdHeader,
    record.now,
    record.locationId,
  );
}

export function markSend(
  sql: SqlStorage,
  messageIdHeader: string,
  state: SendState,
  gmail: { messageId: string; threadId: string } | null = null,
): void {
  sql.exec(
    `UPDATE sends SET state = ?, gmail_message_id = coalesce(?, gmail_message_id),
       gmail_thread_id = coalesce(?, gmail_thread_id) WHERE message_id_header = ?`,
    state,
    gmail?.messageId ?? null,
    gmail?.threadId ?? null,
    messageIdHeader,
  );
}

/** R16: a send Gmail refused does not count. */
export function releaseSend(sql: SqlStorage, messageIdHeader: string): void {
  sql.exec("DELETE FROM sends WHERE message_id_header = ?", messageIdHeader);
}

export function readSendBlock(sql: SqlStorage): number | null {
  return sql.exec<{ until: number }>("SELECT until FROM send_block WHERE id = 1").toArray()[0]?.until ?? null;
}

export function writeSendBlock(sql: SqlStorage, until: number): void {
  sql.exec(
    "INSERT INTO send_block (id, until) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET until = excluded.until",
    until,
  );
}
