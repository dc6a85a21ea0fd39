import { stopWatch } from "../gmail/watch";
import { revokeToken } from "../google/revoke";
import { log } from "../log";
import { listConnections, removeConnection } from "./connections";
import { openGrant, tokenKeys } from "./grant-store";
import type { MailboxContext } from "./context";
import { mirrorAccount, mirrorConnectionStatus } from "./mirror";
import { readAccount, updateAccount } from "./state";
import { readMailboxStatus } from "./read-status";
import type { MailboxStatus } from "./status";

/**
 * R5 (and R4, when another account replaced this one in a location): this location stops using the
 * mailbox. When no location is left, the watch stops, the grant is revoked and forgotten. Synced rows stay.
 */
export async function disconnectLocation(
  context: MailboxContext,
  input: { locationId: string; userId: string; now: number },
): Promise<MailboxStatus> {
  const account = readAccount(context.sql);
  if (!account || account.ownerUserId !== input.userId) return readMailboxStatus(context, input.now);
  removeConnection(context.sql, input.locationId);
  await mirrorConnectionStatus(
    context.env,
    account.address,
    [input],
    { status: "disconnected", reason: "disconnected" },
    input.now,
  );
  if (listConnections(context.sql).length === 0 && account.status !== "disconnected")
    await shutDown(context, input.now);
  return readMailboxStatus(context, input.now);
}

/** Stops the watch and revokes the grant (both best effort: the grant is forgotten whatever Google says). */
async function shutDown(context: MailboxContext, now: number): Promise<void> {
  const { sql, config } = context;
  const account = readAccount(sql);
  if (!account) return;
  const opened = account.grant ? await openGrant(tokenKeys(config), account.address, account.grant) : null;
  if (account.status === "active") {
    await stopWatch(context.gmail).catch((error: unknown) =>
      log.warn("watch_stop_failed", { address: account.address, error }),
    );
  }
  if (opened?.ok) {
    const revoked = await revokeToken(config, opened.value.refreshToken);
    if (!revoked.ok) log.warn("grant_revoke_failed", { address: account.address, status: revoked.error.status });
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
  context.tokens.clear();
  if (next) await mirrorAccount(context.env, next);
  log.info("mailbox_disconnected", { address: account.address });
}
