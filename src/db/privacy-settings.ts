import { and, eq } from "drizzle-orm";
import type { Database } from "./database";
import { locationPrivacy, userPrivacy } from "./schema";

/** R27: a location's privacy settings, entries already normalised. */
export interface LocationPrivacy {
  neverLog: string[];
  internalDomains: string[];
  skipBulkMail: boolean;
}

export const DEFAULT_LOCATION_PRIVACY: LocationPrivacy = { neverLog: [], internalDomains: [], skipBulkMail: false };

/** The location's settings; the defaults (empty lists, bulk mail synced) until it sets them. */
export async function getLocationPrivacy(db: Database, locationId: string): Promise<LocationPrivacy> {
  const row = await db.select().from(locationPrivacy).where(eq(locationPrivacy.locationId, locationId)).get();
  if (!row) return { ...DEFAULT_LOCATION_PRIVACY };
  return {
    neverLog: parseList(row.neverLogJson),
    internalDomains: parseList(row.internalDomainsJson),
    skipBulkMail: row.skipBulkMail,
  };
}

export async function putLocationPrivacy(
  db: Database,
  locationId: string,
  privacy: LocationPrivacy,
  now: number,
): Promise<void> {
  const values = {
    neverLogJson: JSON.stringify(privacy.neverLog),
    internalDomainsJson: JSON.stringify(privacy.internalDomains),
    skipBulkMail: privacy.skipBulkMail,
    updatedAt: now,
  };
  await db
    .insert(locationPrivacy)
    .values({ locationId, ...values })
    .onConflictDoUpdate({ target: locationPrivacy.locationId, set: values })
    .run();
}

/** A user's own never-log list in the location; empty until set. */
export async function getUserNeverLog(db: Database, locationId: string, userId: string): Promise<string[]> {
  const row = await db
    .select({ neverLogJson: userPrivacy.neverLogJson })
    .from(userPrivacy)
    .where(and(eq(userPrivacy.locationId, locationId), eq(userPrivacy.userId, userId)))
    .get();
  return row ? parseList(row.neverLogJson) : [];
}

export async function putUserNeverLog(
  db: Database,
  locationId: string,
  userId: string,
  neverLog: string[],
  now: number,
): Promise<void> {
  const neverLogJson = JSON.stringify(neverLog);
  await db
    .insert(userPrivacy)
    .values({ locationId, userId, neverLogJson, updatedAt: now })
    .onConflictDoUpdate({ target: [userPrivacy.locationId, userPrivacy.userId], set: { neverLogJson, updatedAt: now } })
    .run();
}

/** Rows are written only by the functions above, always as JSON arrays of strings. */
function parseList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}
