import { directoryDb, locationDb } from "../db/database";
import { setConnectionStatus, upsertConnection } from "../db/connections";
import { upsertMailboxRow } from "../db/mailboxes";
import type { Env } from "../env";
import type { Connection } from "./connections";
import type { Account, MailboxStatusValue } from "./state";

/*
 * The Durable Object is the source of truth for its mailbox; D1 holds mirrors that others read without
 * waking it: the directory row (who holds the account, for mailbox_taken and the cron) and one
 * connection row per location (which address a user's CRM sends go through, R4/R5/R18).
 */
export async function mirrorAccount(env: Env, account: Account): Promise<void> {
  await upsertMailboxRow(directoryDb(env), {
    address: account.address,
    ownerUserId: account.ownerUserId,
    status: account.status,
    lastSyncedAt: account.lastSyncedAt,
    watchExpiresAt: account.watchExpiresAt,
    updatedAt: account.updatedAt,
  });
}

/** Claims the (location, user) row for this mailbox: connecting here replaces whatever it named (R4). */
export async function mirrorConnection(
  env: Env,
  account: Account,
  connection: Connection,
  now: number,
): Promise<void> {
  await upsertConnection(await locationDb(env, connection.locationId), {
    locationId: connection.locationId,
    userId: connection.userId,
    mailboxAddress: account.address,
    status: account.status,
    connectedAt: connection.connectedAt,
    updatedAt: now,
  });
}

/** Sets the status of connection rows that still name this mailbox; one statement per location. */
export async function mirrorConnectionStatus(
  env: Env,
  address: string,
  connections: readonly Pick<Connection, "locationId" | "userId">[],
  status: MailboxStatusValue,
  now: number,
): Promise<void> {
  for (const connection of connections) {
    await setConnectionStatus(await locationDb(env, connection.locationId), connection.locationId, [connection.userId], address, status, now);
  }
}
