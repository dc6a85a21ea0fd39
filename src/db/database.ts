import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import type { Env } from "../env";
import * as schema from "./schema";

/** `$client` is the D1 binding itself, for the few batches drizzle cannot express (message-store.ts). */
export type Database = DrizzleD1Database<typeof schema> & { $client: D1Database };

/*
 * The only place that knows where data lives. One D1 database holds at most 10 GB, so locations will be
 * spread over several; callers ask for "the database of location X" and never name a binding themselves.
 * Today every location maps to the one `DB` binding; a location → shard map replaces the body later.
 */
export function locationDb(env: Pick<Env, "DB">, _locationId: string): Database {
  return drizzle(env.DB, { schema });
}

/** The small global directory: locations, users and which user holds each Google account. */
export function directoryDb(env: Pick<Env, "DB">): Database {
  return drizzle(env.DB, { schema });
}

/** D1 binds at most 100 parameters per statement: multi-row inserts are cut to fit. */
export const D1_MAX_BOUND_PARAMETERS = 100;
