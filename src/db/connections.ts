import { and, eq, sql } from "drizzle-orm";
import { recordEvent } from "../events/outbox";
import type { Database } from "./database";
import { runBatch } from "./run-batch";
import { connections } from "./schema";

export type ConnectionRow = typeof connections.$inferSelect;
export type ConnectionStatus = ConnectionRow["status"];

/** The user's connection in this location ("Settings > My Profile > Email"), whatever its status. */
export async function getConnection(
  db: Database,
  locationId: string,
  userId: string,
): Promise<ConnectionRow | undefined> {
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.locationId, locationId), eq(connections.userId, userId)))
    .get();
}

/** Why a connection's status changed, as mailbox.status_changed carries it (R29). */
export type StatusReason = string | null;

interface StatusChange {
  locationId: string;
  userId: string;
  mailbox: string;
  status: ConnectionStatus;
  reason: StatusReason;
}

/**
 * mailbox.status_changed for (location, user), written only if it is news: the row does not already name
 * this mailbox with this status. `rowMustExist`: an update touches only an existing row of this mailbox.
 */
function statusEvent(change: StatusChange, now: number, rowMustExist: boolean) {
  const { locationId, userId, mailbox, status, reason } = change;
  const row = sql`SELECT 1 FROM connections WHERE location_id = ${locationId} AND user_id = ${userId} AND mailbox_address = ${mailbox}`;
  const news = rowMustExist
    ? sql`EXISTS (${row} AND status <> ${status})`
    : sql`NOT EXISTS (${row} AND status = ${status})`;
  return recordEvent(
    { type: "mailbox.status_changed", locationId, data: { userId, emailAddress: mailbox, status, reason } },
    now,
    { onlyIf: news },
  );
}

/**
 * The mailbox DO's mirror of one connection. One row per (location, user): connecting another account
 * overwrites it, which is what makes R4's "new sends use the new address at once" true for readers.
 * A change of address or status is announced by mailbox.status_changed in the same batch (R29); the
 * caller relays the returned event ids.
 */
export async function upsertConnection(db: Database, row: ConnectionRow, reason: StatusReason): Promise<string[]> {
  const change = {
    locationId: row.locationId,
    userId: row.userId,
    mailbox: row.mailboxAddress,
    status: row.status,
    reason,
  };
  const event = statusEvent(change, row.updatedAt, false);
  await runBatch(db, [
    ...event.statements,
    sql`INSERT INTO connections (location_id, user_id, mailbox_address, status, connected_at, updated_at)
      VALUES (${row.locationId}, ${row.userId}, ${row.mailboxAddress}, ${row.status}, ${row.connectedAt}, ${row.updatedAt})
      ON CONFLICT (location_id, user_id) DO UPDATE SET mailbox_address = excluded.mailbox_address,
        status = excluded.status, connected_at = excluded.connected_at, updated_at = excluded.updated_at`,
  ]);
  return event.eventIds;
}

/**
 * Sets the status of connections that still point at `mailboxAddress`. The address condition matters:
 * a row that R4 already handed to another mailbox is that mailbox's, and is left alone (no event either).
 * Each row whose status really changes gets mailbox.status_changed in the same batch; returns their ids.
 */
export async function setConnectionStatus(
  db: Database,
  locationId: string,
  userIds: string[],
  mailboxAddress: string,
  change: { status: ConnectionStatus; reason: StatusReason },
  now: number,
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const events = userIds.map((userId) =>
    statusEvent({ locationId, userId, mailbox: mailboxAddress, ...change }, now, true),
  );
  await runBatch(db, [
    ...events.flatMap((event) => event.statements),
    sql`UPDATE connections SET status = ${change.status}, updated_at = ${now}
      WHERE location_id = ${locationId} AND mailbox_address = ${mailboxAddress}
        AND user_id IN (${sql.join(
          userIds.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  ]);
  return events.flatMap((event) => event.eventIds);
}
