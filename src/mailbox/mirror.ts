import { directoryDb, locationDb } from "../db/database";
import { setConnectionStatus, upsertConnection, type StatusReason } from "../db/connections";
import { upsertMailboxRow } from "../db/mailboxes/directory";
import type { Env } from "../env";
import { relayEvents } from "../events/relay";
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
  reason: StatusReason,
  now: number,
): Promise<void> {
  const db = await locationDb(env, connection.locationId);
  const eventIds = await upsertConnection(
    db,
    {
      locationId: connection.locationId,
      userId: connection.userId,
      mailboxAddress: account.address,
      status: account.status,
      connectedAt: connection.connectedAt,
      updatedAt: now,
    },
    reason,
  );
  await relayEvents(env, db, connection.locationId, eventIds, now);
}

/**
 * Sets the status of connection rows that still name this mailbox; one batch per location, each real
 * change with its mailbox.status_changed event (R29), relayed after the batch.
 */
export async function mirrorConnectionStatus(
  env: Env,
  address: string,
  connections: readonly Pick<Connection, "locationId" | "userId">[],
  change: { status: MailboxStatusValue; reason: StatusReason },
  now: number,
): Promise<void> {
  for (const connection of connections) {
    const db = await locationDb(env, connection.locationId);
    const eventIds = await setConnectionStatus(db, connection.locationId, [connection.userId], address, change, now);
    await relayEvents(env, db, connection.locationId, eventIds, now);
  }
}
