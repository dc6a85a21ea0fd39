import { and, asc, eq, gt, inArray, or, sql } from "drizzle-orm";
import { recordEvent } from "../events/outbox";
import { chunked, perStatement } from "./chunked";
import type { Database } from "./database";
import { newId } from "./ids";
import { runBatch } from "./run-batch";
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
  for (const chunk of chunked(unique, perStatement())) {
    const rows = await db
      .select()
      .from(contacts)
      .where(and(eq(contacts.locationId, locationId), inArray(contacts.email, chunk)))
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

/**
 * A contact the service itself creates (R19: the BCC address met a new recipient), written in one batch
 * with its contact.created event (R29). The caller relays `eventId` after the call.
 */
export async function insertContactWithEvent(
  db: Database,
  contact: { locationId: string; email: string; name: string | null; assignedUserId: string | null },
  now: number,
): Promise<{ contact: ContactRow; eventId: string }> {
  const row: ContactRow = { id: newId("ct"), ...contact, createdAt: now };
  const event = recordEvent({ type: "contact.created", locationId: row.locationId, data: { contactId: row.id } }, now);
  await runBatch(db, [
    sql`INSERT INTO contacts (id, location_id, email, name, assigned_user_id, created_at)
      VALUES (${row.id}, ${row.locationId}, ${row.email}, ${row.name}, ${row.assignedUserId}, ${row.createdAt})`,
    ...event.statements,
  ]);
  return { contact: row, eventId: event.eventIds[0] as string };
}

/** A location's contacts oldest first (createdAt, then id: R12's order), optionally of one address. */
export async function listContacts(
  db: Database,
  locationId: string,
  options: { email?: string; after?: { at: number; id: string }; limit: number },
): Promise<ContactRow[]> {
  const after = options.after;
  return db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.locationId, locationId),
        options.email === undefined ? undefined : eq(contacts.email, options.email),
        after
          ? or(gt(contacts.createdAt, after.at), and(eq(contacts.createdAt, after.at), gt(contacts.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(contacts.createdAt), asc(contacts.id))
    .limit(options.limit)
    .all();
}

/** Changes the given fields of a location's contact; undefined when it has no such contact. */
export async function updateContact(
  db: Database,
  locationId: string,
  contactId: string,
  patch: { email?: string; name?: string | null; assignedUserId?: string | null },
): Promise<ContactRow | undefined> {
  const set = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  if (Object.keys(set).length === 0) return getContact(db, locationId, contactId);
  return db
    .update(contacts)
    .set(set)
    .where(and(eq(contacts.locationId, locationId), eq(contacts.id, contactId)))
    .returning()
    .get();
}
