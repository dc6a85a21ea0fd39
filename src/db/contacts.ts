import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "./database";
import { newId } from "./ids";
import { contacts } from "./schema";

export type ContactRow = typeof contacts.$inferSelect;

export async function getContact(db: Database, locationId: string, contactId: string): Promise<ContactRow | undefined> {
  return db
    .select()
    .from(contacts)
    .where(and(eq(contacts.locationId, locationId), eq(contacts.id, contactId)))
    .get();
}

/** R12: of several contacts sharing an address, the first created (then smallest id) is the one used. */
export async function findFirstContactByEmail(
  db: Database,
  locationId: string,
  email: string,
): Promise<ContactRow | undefined> {
  return db
    .select()
    .from(contacts)
    .where(and(eq(contacts.locationId, locationId), eq(contacts.email, email)))
    .orderBy(asc(contacts.createdAt), asc(contacts.id))
    .limit(1)
    .get();
}

/** R12 for many addresses at once: the first-created contact of each address that has one. */
export async function findFirstContactsByEmails(
  db: Database,
  locationId: string,
  emails: string[],
): Promise<Map<string, ContactRow>> {
  const first = new Map<string, ContactRow>();
  const unique = [...new Set(emails)];
  // Chunked: D1 binds at most 100 parameters per statement (one is the location).
  for (let i = 0; i < unique.length; i += 90) {
    const rows = await db
      .select()
      .from(contacts)
      .where(and(eq(contacts.locationId, locationId), inArray(contacts.email, unique.slice(i, i + 90))))
      .orderBy(asc(contacts.email), asc(contacts.createdAt), asc(contacts.id))
      .all();
    for (const row of rows) if (!first.has(row.email)) first.set(row.email, row);
  }
  return first;
}

export async function insertContact(
  db: Database,
  contact: { locationId: string; email: string; name: string | null; assignedUserId: string | null },
  now: number,
): Promise<ContactRow> {
  return db
    .insert(contacts)
    .values({ id: newId("ct"), ...contact, createdAt: now })
    .returning()
    .get();
}
