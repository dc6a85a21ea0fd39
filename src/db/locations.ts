import { eq } from "drizzle-orm";
import type { Env } from "../env";
import { directoryDb, placeNewLocation, type Database } from "./database";
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

/**
 * Creates the location in `database` (placeNewLocation), or renames it: an existing location keeps its
 * database and its BCC token. One batch: the database's location count grows only when the row is new.
 */
export async function upsertLocation(
  db: Database,
  location: { id: string; name: string; database: string },
  now: number,
): Promise<LocationRow> {
  const { id, name, database } = location;
  const d1 = db.$client;
  await d1.batch([
    d1
      .prepare(`INSERT INTO location_databases (binding, locations)
        SELECT ?1, 1 WHERE NOT EXISTS (SELECT 1 FROM locations WHERE id = ?2)
        ON CONFLICT (binding) DO UPDATE SET locations = locations + 1`)
      .bind(database, id),
    d1
      .prepare(`INSERT INTO locations (id, name, bcc_token, database, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name`)
      .bind(id, name, newBccToken(), database, now),
  ]);
  const row = await getLocation(db, id);
  if (!row) throw new Error(`upsertLocation: location ${id} was neither created nor found`);
  return row;
}

/** PUT /v1/locations/{id}: a new location is placed in the least loaded database (R31); a rename moves nothing. */
export async function provisionLocation(env: Env, id: string, name: string, now: number): Promise<LocationRow> {
  return upsertLocation(directoryDb(env), { id, name, database: await placeNewLocation(env) }, now);
}
