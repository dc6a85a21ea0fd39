import { and, eq, inArray } from "drizzle-orm";
import { normalizeEmail } from "../mail/address";
import { chunked, perStatement } from "./chunked";
import type { Database } from "./database";
import { connections, mailboxes, members, users } from "./schema";

/**
 * Every address that counts as "a user of the location" (R7, R19, R20): each member's CRM email and every
 * mailbox a member has connected in this location, whatever the connection's status, and every mailbox the
 * directory says a member holds (the connection row of a location is replaced by R4's update email, the
 * directory row is not). A mailbox once connected stays the user's address: treating it as a contact's would
 * leak internal mail (R7).
 * The map's values are user ids; a CRM email wins over a mailbox address when two users share one.
 * Two reads, never a join: the directory and the location's tables may live in different databases.
 */
export async function loadLocationUserAddresses(
  directory: Database,
  db: Database,
  locationId: string,
): Promise<Map<string, string>> {
  const rows = await db
    .select({ userId: members.userId, mailbox: connections.mailboxAddress })
    .from(members)
    .leftJoin(connections, and(eq(connections.locationId, members.locationId), eq(connections.userId, members.userId)))
    .where(eq(members.locationId, locationId))
    .orderBy(members.userId)
    .all();
  const userIds = [...new Set(rows.map((r) => r.userId))];

  const addresses = new Map<string, string>();
  for (const chunk of chunked(userIds, perStatement())) {
    const found = await directory
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.id, chunk))
      .all();
    for (const user of found) setFirst(addresses, user.email, user.id);
  }
  for (const chunk of chunked(userIds, perStatement())) {
    const held = await directory
      .select({ address: mailboxes.address, userId: mailboxes.ownerUserId })
      .from(mailboxes)
      .where(inArray(mailboxes.ownerUserId, chunk))
      .all();
    for (const mailbox of held) setFirst(addresses, mailbox.address, mailbox.userId);
  }
  for (const row of rows) if (row.mailbox !== null) setFirst(addresses, row.mailbox, row.userId);
  return addresses;
}

function setFirst(map: Map<string, string>, email: string, userId: string): void {
  const key = normalizeEmail(email);
  if (key !== "" && !map.has(key)) map.set(key, userId);
}
