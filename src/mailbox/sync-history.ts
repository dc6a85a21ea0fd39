import { GmailError } from "../gmail/client";
import { listHistoryPage } from "../gmail/history";
import { getProfile } from "../gmail/profile";
import { log } from "../log";
import { foldHistoryPage, nextCursor } from "../sync/history-fold";
import { catchUpSince, HISTORY_PAGE_SIZE } from "../sync/plan";
import { foldStateChanges } from "../sync/state-fold";
import type { MailboxContext } from "./context";
import { recordStateChanges } from "./state-queue";
import { addPending, removePending, setScan, setScanTarget, setWanted } from "./sync-state";
import { queueRefreshAfterGap } from "./sync-states";

/** One page of history from the cursor; a 404 (history gone) turns the scan into a bounded catch-up (R6). */
export async function readHistory(
  context: MailboxContext,
  from: string,
  pageToken: string | null,
  account: { connectedAt: number; lastSyncedAt: number | null },
): Promise<void> {
  const { sql } = context;
  if (pageToken === null) {
    context.transaction(() => {
      setWanted(sql, false);
      setScan(sql, { kind: "history", pageToken: null });
    });
  }
  let page: Awaited<ReturnType<typeof listHistoryPage>>;
  try {
    page = await listHistoryPage(context.gmail, { startHistoryId: from, pageToken, maxResults: HISTORY_PAGE_SIZE });
  } catch (error) {
    if (!(error instanceof GmailError) || error.kind !== "history_expired") throw error;
    // The cursor to resume from is taken before listing: anything newer shows up in history afterwards.
    const profile = await getProfile(context.gmail);
    const since = catchUpSince(account);
    log.warn("sync_history_expired", { mailbox: context.mailbox, from, catchUpSince: since });
    setScanTarget(sql, nextCursor(from, profile.historyId));
    // R26: the gap's state changes are lost with its history; the stored messages it may touch are read again.
    await queueRefreshAfterGap(context, since);
    context.transaction(() => setScan(sql, { kind: "list", pageToken: null }, `after:${Math.floor(since / 1000)}`));
    return;
  }
  const fold = foldHistoryPage(page.history ?? []);
  // The page is recorded whole or not at all: a page half queued would be read again and half repeated.
  context.transaction(() => {
    recordStateChanges(sql, foldStateChanges(page.history ?? []));
    addPending(sql, fold.added);
    removePending(sql, fold.deleted);
    if (page.nextPageToken) {
      setScan(sql, { kind: "history", pageToken: page.nextPageToken });
    } else {
      setScan(sql, null);
      setScanTarget(sql, nextCursor(from, page.historyId));
    }
  });
}
