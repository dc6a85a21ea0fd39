import { QUOTA_WINDOW_MS, type QuotaSpend } from "../sync/quota";

/*
 * The quota pacer's spends, in the Durable Object's SQLite so that an evicted object wakes up with its
 * window and cannot overshoot the per-user quota. One row per second: a burst of calls in one second is
 * one row, and the table never holds more than about 60. A row counts as spent at its latest answer, which
 * keeps it in the window up to a second longer than exact: the safe side (a small call answered late in the
 * second holds back the batch answered early in it).
 */

export const QUOTA_SPENDS_MIGRATION = `CREATE TABLE quota_spend (
     second INTEGER PRIMARY KEY,
     units INTEGER NOT NULL,
     last_at INTEGER NOT NULL
   );`;

/** Where the pacer keeps its window (quota-gate.ts). */
export interface QuotaSpendStore {
  /** The spends still inside the window at `now`. */
  live(now: number): QuotaSpend[];
  record(spend: QuotaSpend): void;
}

export function sqlQuotaSpends(storage: DurableObjectStorage): QuotaSpendStore {
  const { sql } = storage;
  return {
    live: (now) =>
      sql
        .exec<{ last_at: number; units: number }>(
          "SELECT last_at, units FROM quota_spend WHERE last_at > ? ORDER BY last_at",
          now - QUOTA_WINDOW_MS,
        )
        .toArray()
        .map((row) => ({ at: row.last_at, units: row.units })),
    record: (spend) => {
      // One synchronous write per Gmail request (a batch of 50 messages.get is one): the output gate
      // coalesces it with the sync's own writes. The spend and the pruning of the window land together.
      storage.transactionSync(() => {
        sql.exec(
          `INSERT INTO quota_spend (second, units, last_at) VALUES (?, ?, ?)
           ON CONFLICT (second) DO UPDATE SET units = units + excluded.units, last_at = max(last_at, excluded.last_at)`,
          Math.floor(spend.at / 1000),
          spend.units,
          spend.at,
        );
        sql.exec("DELETE FROM quota_spend WHERE last_at <= ?", spend.at - QUOTA_WINDOW_MS);
      });
    },
  };
}

/** The same window in memory (tests, and any caller without storage). */
export function memoryQuotaSpends(): QuotaSpendStore {
  let spends: QuotaSpend[] = [];
  return {
    live: (now) => spends.filter((s) => s.at > now - QUOTA_WINDOW_MS),
    record: (spend) => {
      spends = [...spends.filter((s) => s.at > spend.at - QUOTA_WINDOW_MS), spend];
    },
  };
}
