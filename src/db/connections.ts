import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "./database";
import { connections } from "./schema";

export type ConnectionRow = typeof connections.$inferSelect;
export type ConnectionStatus = ConnectionRow["status"];

/** The user's connection in this location ("Settings > My Profile > Email"), whatever its status. */
export async function getConnection(db: Database, locationId: string, userId: string): Promise<ConnectionRow | undefined> {
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.locationId, locationId), eq(connections.userId, userId)))
    .get();
}

/**
 * The mailbox DO's mirror of one connection. One row per (location, user): connecting another account
 * overwrites it, which is what makes R4's "new sends use the new address at once" true for readers.
 */
export async function upsertConnection(db: Database, row: ConnectionRow): Promise<void> {
  const { locationId, userId, ...rest } = row;
  await db
    .insert(connections)
    .values(row)
    .onConflictDoUpdate({ target: [connections.locationId, connections.userId], set: rest })
    .run();
}

/**
 * Sets the status of connections that still point at `mailboxAddress`. The address condition matters:
 * a row that R4 already handed to another mailbox is that mailbox's, and is left alone.
 */
export async function setConnectionStatus(
  db: Database,
  locationId: string,
  userIds: string[],
  mailboxAddress: string,
  status: ConnectionStatus,
  now: number,
): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .update(connections)
    .set({ status, updatedAt: now })
    .where(
      and(
        eq(connections.locationId, locationId),
        inArray(connections.userId, userIds),
        eq(connections.mailboxAddress, mailboxAddress),
      ),
    )
    .run();
}
