import { stopWatch } from "../gmail/watch";
import { revokeToken } from "../google/revoke";
import { log } from "../log";
import { listConnections, removeConnection } from "./connections";
import { openGrant, tokenKeys } from "./grant-store";
import type { MailboxHost } from "./mailbox-host";
import { mirrorAccount, mirrorConnectionStatus } from "./mirror";
import { readAccount, updateAccount } from "./state";
import type { MailboxStatus } from "./status";

/**
 * R5 (and R4, when another account replaced this one in a location): this location stops using the
 * mailbox. When no location is left, the watch stops, the grant is revoked and forgotten. Synced rows stay.
 */
export async function disconnectLocation(
  host: MailboxHost,
  input: { locationId: string; userId: string; now: number },
): Promise<MailboxStatus> {
  const account = readAccount(host.sql);
  if (!account || account.ownerUserId !== input.userId) return host.status(input.now);
  removeConnection(host.sql, input.locationId);
  await mirrorConnectionStatus(
    host.env,
    account.address,
    [input],
    { status: "disconnected", reason: "disconnected" },
    input.now,
  );
  if (listConnections(host.sql).length === 0 && account.status !== "disconnected") await shutDown(host, input.now);
  return host.status(input.now);
}

/** Stops the watch and revokes the grant (both best effort: the grant is forgotten whatever Google says). */
async function shutDown(host: MailboxHost, now: number): Promise<void> {
  const { sql, config } = host;
  const account = readAccount(sql);
  if (!account) return;
  const opened = account.grant ? await openGrant(tokenKeys(config), account.address, account.grant) : null;
  if (account.status === "active") {
    await stopWatch(host.gmail(now)).catch((error: unknown) =>
      log.warn("watch_stop_failed", { address: account.address, error }),
    );
  }
  if (opened?.ok) {
    const revoked = await revokeToken(config, opened.refreshToken);
    if (!revoked.ok) log.warn("grant_revoke_failed", { address: account.address, status: revoked.status });
  }
  // A reconnect during the calls above stored a new grant and a new connection: leave those alone.
  const current = readAccount(sql);
  if (!current || current.grant?.ciphertext !== account.grant?.ciphertext || listConnections(sql).length > 0) return;
  const next = updateAccount(sql, {
    status: "disconnected",
    grant: null,
    watchExpiresAt: null,
    watchNextAttemptAt: null,
    updatedAt: now,
  });
  host.tokens.clear();
  if (next) await mirrorAccount(host.env, next);
  log.info("mailbox_disconnected", { address: account.address });
}
