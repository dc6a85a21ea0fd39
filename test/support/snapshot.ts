/** Every row of every table of every test database (R31), to prove that a refused request wrote nothing (R24). */
import { allRows } from "./databases";

export async function snapshotTables(): Promise<Record<string, unknown[]>> {
  return allRows();
}
