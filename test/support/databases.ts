/** Every D1 database of the test pool (R31): the directory DB and each location database, read table by table. */
import { env } from "cloudflare:workers";

export interface TestDatabase {
  binding: string;
  d1: D1Database;
}

/** DB first, then the other bindings LOCATION_DATABASES names. */
export function allDatabases(): TestDatabase[] {
  const names = new Set(["DB", ...String(env.LOCATION_DATABASES ?? "DB").split(",").map((name) => name.trim())]);
  return [...names].map((binding) => ({ binding, d1: (env as unknown as Record<string, D1Database>)[binding] as D1Database }));
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
      // Sorted by content: some tables are WITHOUT ROWID, and a snapshot must not depend on storage order.
      const rows = (await d1.prepare(`SELECT * FROM "${name}"`).all<Record<string, unknown>>()).results;
      out[`${binding}.${name}`] = rows.map((row) => [JSON.stringify(row), row] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
    }
  }
  return out;
}
