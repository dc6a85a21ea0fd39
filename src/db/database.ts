import { eq } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { loadConfig } from "../config";
import type { Env } from "../env";
import { AppError } from "../errors";
import * as schema from "./schema";

/** `$client` is the D1 binding itself, for the few batches drizzle cannot express (messages/store.ts). */
export type Database = DrizzleD1Database<typeof schema> & { $client: D1Database };

/*
 * The only place that knows where data lives (R31). One D1 database holds at most 10 GB, so locations are
 * spread over the databases LOCATION_DATABASES names. Each location lives in exactly one, chosen when it is
 * created (placeNewLocation) and recorded in the directory (`locations.database` in DB), so adding a
 * database moves nothing. Callers ask for "the database of location X" and never name a binding.
 */

/** The database of an existing location: read from the directory. An unknown location is 404 `not_found`. */
export async function locationDb(env: Env, locationId: string): Promise<Database> {
  const row = await directoryDb(env)
    .select({ database: schema.locations.database })
    .from(schema.locations)
    .where(eq(schema.locations.id, locationId))
    .get();
  if (!row) throw new AppError("not_found", `Location ${locationId} does not exist.`);
  return drizzle(locationBinding(env, row.database), { schema });
}

/** The small global directory: locations (and where each lives), users, which user holds each Google account. */
export function directoryDb(env: Pick<Env, "DB">): Database {
  return drizzle(env.DB, { schema });
}

/** Every location database, in LOCATION_DATABASES order (migrations, operators' checks, tests). */
export function allLocationDatabases(env: Env): { binding: string; db: Database }[] {
  return loadConfig(env).LOCATION_DATABASES.map((binding) => ({
    binding,
    db: drizzle(locationBinding(env, binding), { schema }),
  }));
}

/**
 * Where a new location goes: the database of LOCATION_DATABASES holding the fewest locations (ties: the
 * first listed). A newly added database starts empty, so it takes every new location until it catches up.
 */
export async function placeNewLocation(env: Env): Promise<string> {
  const bindings = loadConfig(env).LOCATION_DATABASES;
  const counts = await directoryDb(env).select().from(schema.locationDatabases).all();
  const load = new Map(counts.map((row) => [row.binding, row.locations]));
  let best = bindings[0] as string;
  for (const binding of bindings) if ((load.get(binding) ?? 0) < (load.get(best) ?? 0)) best = binding;
  locationBinding(env, best);
  return best;
}

/** A location database by binding name; one the settings do not list, or not bound, fails closed. */
function locationBinding(env: Env, binding: string): D1Database {
  const listed = loadConfig(env).LOCATION_DATABASES;
  // Bound by a name the settings give, so looked up by name (the generated Env lists no such key).
  const db = (env as unknown as Record<string, unknown>)[binding];
  if (!listed.includes(binding) || !isD1(db)) {
    throw new AppError(
      "misconfigured",
      `Setting LOCATION_DATABASES must list ${binding} and wrangler.toml must bind it as D1.`,
      {
        settings: ["LOCATION_DATABASES"],
      },
    );
  }
  return db;
}

function isD1(value: unknown): value is D1Database {
  return typeof value === "object" && value !== null && typeof (value as D1Database).prepare === "function";
}
