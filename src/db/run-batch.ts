import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Database } from "./database";

const dialect = new SQLiteAsyncDialect();

/** A drizzle `sql` fragment as a D1 statement, for batches that mix raw SQL with other writes. */
export function prepareStatement(db: Database, statement: SQL): D1PreparedStatement {
  const query = dialect.sqlToQuery(statement);
  return db.$client.prepare(query.sql).bind(...query.params);
}

// Straight to D1's batch (one transaction): drizzle's own batch cannot carry raw SQL statements.
export async function runBatch(db: Database, statements: readonly SQL[]): Promise<D1Result[]> {
  return db.$client.batch(statements.map((statement) => prepareStatement(db, statement)));
}
