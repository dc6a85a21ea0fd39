/*
 * Reading 15 (R22): Gmail sends at most one notification per second per mailbox and drops the rest, so a
 * change that comes within a second of another may never be pushed. After every sync run that moved the
 * cursor (the mailbox changed), history is read once more TRAILING_READ_DELAY_MS later, push or no push:
 * a change whose notification was dropped is synced within a minute, not at the 10-minute catch-up. A
 * trailing read that finds nothing new schedules no other, so a quiet mailbox costs nothing; a busy one
 * costs one history.list (2 quota units) per TRAILING_READ_DELAY_MS at most.
 */
import { compareHistoryIds } from "../sync/history-fold";
import { setWanted } from "./sync-state";

/** Long enough to outlast the run that saw the first change, short enough to stay within reading 15's minute. */
export const TRAILING_READ_DELAY_MS = 20_000;

/** PURE: when the next trailing read is due, or null when the run saw no change of the mailbox. */
export function planTrailingRead(cursorBefore: string | null, cursorAfter: string | null, now: number): number | null {
  if (cursorAfter === null) return null;
  if (cursorBefore !== null && compareHistoryIds(cursorAfter, cursorBefore) <= 0) return null;
  return now + TRAILING_READ_DELAY_MS;
}

export function readTrailingRead(sql: SqlStorage): number | null {
  return (
    sql.exec<{ at: number | null }>("SELECT trailing_read_at AS at FROM sync_state WHERE id = 1").toArray()[0]?.at ??
    null
  );
}

export function setTrailingRead(sql: SqlStorage, at: number | null): void {
  sql.exec("UPDATE sync_state SET trailing_read_at = ? WHERE id = 1", at);
}

/** At the start of an alarm: a trailing read that is due becomes a wanted history read. */
export function startDueTrailingRead(sql: SqlStorage, now: number): void {
  const at = readTrailingRead(sql);
  if (at === null || at > now) return;
  setTrailingRead(sql, null);
  setWanted(sql, true);
}
