import type { Connection } from "./connections";
import type { Account, MailboxStatusValue } from "./state";
import { watchRenewalState, type WatchRenewalState } from "../sync/watch-renewal";

/** What the mailbox DO's `status()` answers: the live state of one Google account. Times are Unix ms. */
export interface MailboxStatus {
  address: string | null;
  ownerUserId: string | null;
  status: "not_connected" | MailboxStatusValue;
  connectedAt: number | null;
  lastSyncedAt: number | null;
  /** The history cursor; null until connected. */
  historyId: string | null;
  watchExpiresAt: number | null;
  watchRenewal: { state: WatchRenewalState; failures: number; lastError: string | null; nextAttemptAt: number | null };
  reauthReason: string | null;
  connections: Connection[];
  sendQuota: SendQuota;
  parkedMessages: number;
}

/** R16's counter, as docs/api.md shows it. `nextAvailableAt` is null while `remaining` is above zero. */
export interface SendQuota {
  limit: number;
  used: number;
  remaining: number;
  nextAvailableAt: number | null;
}

/** Pure: the status of an account (or of none), with the figures the quota and parking issues provide. */
export function toMailboxStatus(
  account: Account | null,
  connections: Connection[],
  extra: { sendQuota: SendQuota; parkedMessages: number },
  now: number,
): MailboxStatus {
  const watch = {
    state: account ? watchRenewalState(account, now) : ("ok" as const),
    failures: account?.watchFailures ?? 0,
    lastError: account?.watchError ?? null,
    nextAttemptAt: account?.watchNextAttemptAt ?? null,
  };
  return {
    address: account?.address ?? null,
    ownerUserId: account?.ownerUserId ?? null,
    status: account?.status ?? "not_connected",
    connectedAt: account?.connectedAt ?? null,
    lastSyncedAt: account?.lastSyncedAt ?? null,
    historyId: account?.historyId ?? null,
    watchExpiresAt: account?.status === "disconnected" ? null : (account?.watchExpiresAt ?? null),
    watchRenewal: watch,
    reauthReason: account?.reauthReason ?? null,
    connections,
    ...extra,
  };
}
