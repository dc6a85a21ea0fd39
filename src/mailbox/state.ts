import type { SealedToken } from "../google/token-crypto";

export type MailboxStatusValue = "active" | "needs_reauth" | "disconnected";

/** The account row of the mailbox Durable Object (storage-schema.ts), in TypeScript's words. */
export interface Account {
  address: string;
  ownerUserId: string;
  status: MailboxStatusValue;
  /** The refresh token, sealed (token-crypto.ts); null once disconnected. */
  grant: SealedToken | null;
  scopes: string;
  connectedAt: number;
  /** The history cursor (R2): where the next sync starts. Moves only after what it covers is stored. */
  historyId: string | null;
  watchExpiresAt: number | null;
  watchRenewedAt: number | null;
  watchFailures: number;
  watchNextAttemptAt: number | null;
  watchError: string | null;
  lastSyncedAt: number | null;
  reauthReason: string | null;
  updatedAt: number;
}

interface AccountRow extends Record<string, SqlStorageValue> {
  address: string;
  owner_user_id: string;
  status: string;
  grant_kid: string | null;
  grant_iv: string | null;
  grant_ciphertext: string | null;
  scopes: string;
  connected_at: number;
  history_id: string | null;
  watch_expires_at: number | null;
  watch_renewed_at: number | null;
  watch_failures: number;
  watch_next_attempt_at: number | null;
  watch_error: string | null;
  last_synced_at: number | null;
  reauth_reason: string | null;
  updated_at: number;
}

export function readAccount(sql: SqlStorage): Account | null {
  const row = sql.exec<AccountRow>("SELECT * FROM account WHERE id = 1").toArray()[0];
  if (!row) return null;
  const grant =
    row.grant_kid && row.grant_iv && row.grant_ciphertext
      ? { kid: row.grant_kid, iv: row.grant_iv, ciphertext: row.grant_ciphertext }
      : null;
  return {
    address: row.address,
    ownerUserId: row.owner_user_id,
    status: row.status as MailboxStatusValue,
    grant,
    scopes: row.scopes,
    connectedAt: row.connected_at,
    historyId: row.history_id,
    watchExpiresAt: row.watch_expires_at,
    watchRenewedAt: row.watch_renewed_at,
    watchFailures: row.watch_failures,
    watchNextAttemptAt: row.watch_next_attempt_at,
    watchError: row.watch_error,
    lastSyncedAt: row.last_synced_at,
    reauthReason: row.reauth_reason,
    updatedAt: row.updated_at,
  };
}

/** Writes the whole row: callers read, change a copy, and write it back within one DO turn. */
export function writeAccount(sql: SqlStorage, account: Account): void {
  sql.exec(
    `INSERT INTO account (id, address, owner_user_id, status, grant_kid, grant_iv, grant_ciphertext, scopes,
       connected_at, history_id, watch_expires_at, watch_renewed_at, watch_failures, watch_next_attempt_at,
       watch_error, last_synced_at, reauth_reason, updated_at)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET
       address = excluded.address, owner_user_id = excluded.owner_user_id, status = excluded.status,
       grant_kid = excluded.grant_kid, grant_iv = excluded.grant_iv, grant_ciphertext = excluded.grant_ciphertext,
       scopes = excluded.scopes, connected_at = excluded.connected_at, history_id = excluded.history_id,
       watch_expires_at = excluded.watch_expires_at, watch_renewed_at = excluded.watch_renewed_at,
       watch_failures = excluded.watch_failures, watch_next_attempt_at = excluded.watch_next_attempt_at,
       watch_error = excluded.watch_error, last_synced_at = excluded.last_synced_at,
       reauth_reason = excluded.reauth_reason, updated_at = excluded.updated_at`,
    account.address,
    account.ownerUserId,
    account.status,
    account.grant?.kid ?? null,
    account.grant?.iv ?? null,
    account.grant?.ciphertext ?? null,
    account.scopes,
    account.connectedAt,
    account.historyId,
    account.watchExpiresAt,
    account.watchRenewedAt,
    account.watchFailures,
    account.watchNextAttemptAt,
    account.watchError,
    account.lastSyncedAt,
    account.reauthReason,
    account.updatedAt,
  );
}

/** Read, change, write in one synchronous step: no other event of the object can interleave. */
export function updateAccount(sql: SqlStorage, change: Partial<Omit<Account, "address">>): Account | null {
  const account = readAccount(sql);
  if (!account) return null;
  const next = { ...account, ...change };
  writeAccount(sql, next);
  return next;
}
