import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Database } from "./database";

const dialect = new SQLiteAsyncDialect();

/**
 * Raw SQL statements straight to D1's batch, which D1 runs as one transaction: drizzle's own batch cannot
 * carry raw statements (INSERT … SELECT with ON CONFLICT, DELETE … IN json_each).
 */
export async function runBatch(db: Database, statements: SQL[]): Promise<D1Result[]> {
  if (statements.length === 0) return [];
  const prepared = statements.map((statement) => {
    const query = dialect.sqlToQuery(statement);
    return db.$client.prepare(query.sql).bind(...query.params);
  });
  return db.$client.batch(prepared);
}
