import { and, asc, eq, gt, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../database";
import { mailboxes } from "../schema";

/*
 * The cron's pages of due mailboxes (R3, R22), read in a fixed order with a keyset cursor, so that a fleet of
 * any size is read in pages of bounded size and a mailbox is never skipped or read twice within one tick.
 * The cursor is opaque to callers: "<sort key>|<address>".
 */

export interface DuePage {
  addresses: string[];
  /** Where the next page starts; null after the last one. */
  next: string | null;
}

function splitCursor(after: string | null): { key: number; address: string } | null {
  if (after === null) return null;
  const bar = after.indexOf("|");
  return { key: Number(after.slice(0, bar)), address: after.slice(bar + 1) };
}

/**
 * One page of active mailboxes matching `due`, ordered by `column` (null first, as 0) then address, after the
 * cursor: the one keyset query both of the cron's lists share.
 */
async function pageActiveBy(
  db: Database,
  column: typeof mailboxes.watchExpiresAt | typeof mailboxes.lastSyncedAt,
  due: SQL | undefined,
  after: string | null,
  limit: number,
): Promise<DuePage> {
  const key = sql<number>`coalesce(${column}, 0)`;
  const from = splitCursor(after);
  const rows = await db
    .select({ address: mailboxes.address, key })
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.status, "active"),
        due,
        from ? or(gt(key, from.key), and(eq(key, from.key), gt(mailboxes.address, from.address))) : undefined,
      ),
    )
    .orderBy(asc(key), asc(mailboxes.address))
    .limit(limit)
    .all();
  const last = rows[rows.length - 1];
  return {
    addresses: rows.map((r) => r.address),
    next: rows.length === limit && last ? `${last.key}|${last.address}` : null,
  };
}

/** R3: active mailboxes whose watch is unset or expires before `horizon`, soonest first. */
export function pageMailboxesDueForWatchRenewal(
  db: Database,
  horizon: number,
  after: string | null,
  limit: number,
): Promise<DuePage> {
  const due = or(isNull(mailboxes.watchExpiresAt), lte(mailboxes.watchExpiresAt, horizon));
  return pageActiveBy(db, mailboxes.watchExpiresAt, due, after, limit);
}

/** R22: active mailboxes with no completed sync since `syncedBefore` (never-synced ones included), stalest first. */
export function pageMailboxesDueForCatchUp(
  db: Database,
  syncedBefore: number,
  after: string | null,
  limit: number,
): Promise<DuePage> {
  const due = or(isNull(mailboxes.lastSyncedAt), lt(mailboxes.lastSyncedAt, syncedBefore));
  return pageActiveBy(db, mailboxes.lastSyncedAt, due, after, limit);
}
