/**
 * Steps of the storage tests (R31): big bodies that cross every code path (multi-byte characters, CRLF
 * and LF line breaks, no line anywhere near a MIME limit), and locations placed on each database.
 */
import { env } from "cloudflare:workers";
import { directoryDb } from "../../src/db/database";
import { getLocation } from "../../src/db/locations";
import { createLocation } from "../support/api";

/** A body of at least `bytes` UTF-8 bytes; `seed` makes two bodies differ everywhere. */
export function bigBody(bytes: number, seed: string, html = false): string {
  const line = html
    ? `<p>${seed} — naïve café ✓ ünïcödé 🚀 &amp; more</p>`
    : `${seed} — naïve café ✓ ünïcödé 🚀 more text`;
  const lineBytes = new TextEncoder().encode(line).byteLength + 2;
  const parts: string[] = [];
  for (let i = 0; parts.length * lineBytes < bytes; i++) parts.push(`${i} ${line}`);
  return parts.join(html ? "\n" : "\r\n");
}

export function utf8Bytes(value: string): number {
  return new TextEncoder().encode(value).byteLength;
}

/** The binding of the database the directory records for the location. */
export async function databaseOf(locationId: string): Promise<string> {
  const row = await getLocation(directoryDb(env), locationId);
  if (!row) throw new Error(`databaseOf: no location ${locationId}`);
  return row.database;
}

/**
 * New locations until one sits on each of the two test databases: placement is by load (least loaded
 * first), so a few creations always reach both. Answers { DB: id, DB_2: id }.
 */
export async function locationsOnEachDatabase(): Promise<{ DB: string; DB_2: string }> {
  const found: Record<string, string> = {};
  for (let i = 0; i < 20 && !(found.DB && found.DB_2); i++) {
    const id = await createLocation();
    found[await databaseOf(id)] ??= id;
  }
  if (!found.DB || !found.DB_2) throw new Error("locationsOnEachDatabase: placement never reached both databases");
  return { DB: found.DB, DB_2: found.DB_2 };
}
