import { eq } from "drizzle-orm";
import type { Database } from "./database";
import { locations } from "./schema";

export type LocationRow = typeof locations.$inferSelect;

export async function getLocation(db: Database, locationId: string): Promise<LocationRow | undefined> {
  return db.select().from(locations).where(eq(locations.id, locationId)).get();
}

/** The location a BCC logging address belongs to; tokens are stored lower-case (R19). */
export async function findLocationByBccToken(db: Database, token: string): Promise<LocationRow | undefined> {
  return db.select().from(locations).where(eq(locations.bccToken, token.toLowerCase())).get();
}

/** 160 random bits in lower-case base32: unguessable, and safe as an email local part in any case. */
export function newBccToken(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => alphabet[b & 31]).join("");
}

/** Creates the location, or renames it; the BCC token is kept across renames. */
export async function upsertLocation(db: Database, id: string, name: string, now: number): Promise<LocationRow> {
  const row = await db
    .insert(locations)
    .values({ id, name, bccToken: newBccToken(), createdAt: now })
    .onConflictDoUpdate({ target: locations.id, set: { name } })
    .returning()
    .get();
  return row;
}
