import type { ConnectionRow } from "../db/connections";
import type { MailboxStatus } from "../mailbox/status";
import type { MailboxView } from "./schemas/mailbox";

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Pure: docs/api.md's mailbox of one (location, user). The connection row names the address; the mailbox's
 * own status decides, since the DO is the source of truth: a row whose location the DO no longer lists
 * (R4 replaced it, R5 ended it) is `disconnected`.
 */
export function presentMailbox(
  connection: ConnectionRow | undefined,
  live: MailboxStatus | null,
  defaults: { sendLimit: number },
): MailboxView {
  const quotaDefault = { limit: defaults.sendLimit, used: 0, remaining: defaults.sendLimit, nextAvailableAt: null };
  const renewalDefault = { state: "ok" as const, failures: 0, lastError: null };
  if (!connection) {
    return {
      status: "not_connected",
      emailAddress: null,
      connectedAt: null,
      lastSyncedAt: null,
      watchExpiresAt: null,
      sendQuota: quotaDefault,
      parkedMessages: 0,
      watchRenewal: renewalDefault,
    };
  }
  const inUse =
    live !== null &&
    (live.status === "active" || live.status === "needs_reauth") &&
    live.connections.some((c) => c.locationId === connection.locationId && c.userId === connection.userId);
  const ownedByUser = live !== null && live.ownerUserId === connection.userId;
  return {
    status: inUse ? (live.status as "active" | "needs_reauth") : "disconnected",
    emailAddress: connection.mailboxAddress,
    connectedAt: iso(connection.connectedAt),
    lastSyncedAt: iso(ownedByUser ? live.lastSyncedAt : null),
    watchExpiresAt: iso(inUse ? live.watchExpiresAt : null),
    sendQuota: ownedByUser ? { ...live.sendQuota, nextAvailableAt: iso(live.sendQuota.nextAvailableAt) } : quotaDefault,
    parkedMessages: ownedByUser ? live.parkedMessages : 0,
    watchRenewal: inUse
      ? { state: live.watchRenewal.state, failures: live.watchRenewal.failures, lastError: live.watchRenewal.lastError }
      : renewalDefault,
  };
}
