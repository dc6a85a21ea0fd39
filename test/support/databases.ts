/** Every D1 database of the test pool (R31): the directory DB and each location database, read table by table. */
import { env } from "cloudflare:workers";

export interface TestDatabase {
  binding: string;
  d1: D1Database;
}

/** DB first, then the other bindings LOCATION_DATABASES names. */
export function allDatabases(): TestDatabase[] {
  const names = new Set([
    "DB",
    ...String(env.LOCATION_DATABASES ?? "DB")
      .split(",")
      .map((name) => name.trim()),
  ]);
  return [...names].map((binding) => ({
    binding,
    d1: (env as unknown as Record<string, D1Database>)[binding] as D1Database,
  }));
}

/** The service's own tables of one database (D1's and SQLite's internal ones left out), by name. */
export async function tableNames(d1: D1Database): Promise<string[]> {
  const tables = await d1
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name",
    )
    .all<{ name: string }>();
  return tables.results.map((t) => t.name);
}

/** Every row of every table of every database, keyed `BINDING.table`. */
export async function allRows(): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const { binding, d1 } of allDatabases()) {
    for (const name of await tableNames(d1)) {
      out[`${binding}.${name}`] = await rowsOf(d1, name);
    }
  }
  return out;
}

/** In insertion order; a WITHOUT ROWID table (no rowid to sort by) in its primary key's order. */
async function rowsOf(d1: D1Database, table: string): Promise<Record<string, unknown>[]> {
  try {
    return (await d1.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all<Record<string, unknown>>()).results;
  } catch {
    return (await d1.prepare(`SELECT * FROM "${table}"`).all<Record<string, unknown>>()).results;
  }
}
