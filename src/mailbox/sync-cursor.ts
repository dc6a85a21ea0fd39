import { compareHistoryIds } from "../sync/history-fold";
import type { MailboxContext } from "./context";
import { mirrorAccount } from "./mirror";
import { readAccount, updateAccount } from "./state";
import { setScanTarget } from "./sync-state";

/**
 * R22: the scan reached its target and everything it reported is stored or parked: the scan's target is
 * cleared and the cursor moves to it, together, and the completed sync is recorded in the account row first,
 * then mirrored to D1. Never backwards: a reconnect may have set a newer start point while the run was out.
 */
export async function completeSync(context: MailboxContext, historyId: string, at: number): Promise<void> {
  const next = context.transaction(() => {
    setScanTarget(context.sql, null);
    const current = readAccount(context.sql);
    if (!current) return null;
    const cursor =
      current.historyId !== null && compareHistoryIds(current.historyId, historyId) > 0 ? current.historyId : historyId;
    return updateAccount(context.sql, { historyId: cursor, lastSyncedAt: at, updatedAt: at });
  });
  if (next) await mirrorAccount(context.env, next);
}
