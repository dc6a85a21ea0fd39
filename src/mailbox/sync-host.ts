import { compareHistoryIds } from "../sync/history-fold";
import { listConnections } from "./connections";
import { markNeedsReauth } from "./grant-use";
import type { MailboxHost } from "./mailbox-host";
import { mirrorAccount } from "./mirror";
import { sqlQuotaSpends } from "./quota-spends";
import { readAccount, updateAccount } from "./state";
import type { StateLock } from "./state-lock";
import type { SyncHost } from "./sync-run";

/** What one sync run (sync-run.ts) gets from the mailbox; `beforeStore` waits for the CRM sends under way (R15). */
export function syncHostFor(
  host: MailboxHost,
  beforeStore: () => Promise<void>,
  now: number,
  stateLock: StateLock,
): SyncHost {
  const { sql } = host;
  // The grant this run uses: a verdict about it must not pause a grant a reconnect stores meanwhile.
  const used = readAccount(sql);
  return {
    env: host.env,
    sql,
    mailbox: readAccount(sql)?.address ?? "",
    client: host.gmail(now),
    account: () => readAccount(sql),
    connections: () => listConnections(sql).map((c) => ({ locationId: c.locationId, userId: c.userId })),
    quota: { live: sqlQuotaSpends(sql).live, limitPerMinute: host.config.GMAIL_USER_QUOTA_PER_MINUTE },
    beforeStore,
    stateLock,
    markNeedsReauth: async (reason) => {
      if (used) await markNeedsReauth(host, used, reason, Date.now());
    },
    completeSync: async (historyId, at) => {
      const current = readAccount(sql);
      if (!current) return;
      // Never backwards: a reconnect may have set a newer start point while the run was out.
      const cursor =
        current.historyId !== null && compareHistoryIds(current.historyId, historyId) > 0
          ? current.historyId
          : historyId;
      const next = updateAccount(sql, { historyId: cursor, lastSyncedAt: at, updatedAt: at });
      if (next) await mirrorAccount(host.env, next);
    },
    now: Date.now,
    random: Math.random,
  };
}
