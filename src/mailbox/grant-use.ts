import { GmailError } from "../gmail/client";
import { log } from "../log";
import type { AccessToken } from "./access-token";
import { listConnections } from "./connections";
import { openGrant, tokenKeys } from "./grant-store";
import type { MailboxContext } from "./context";
import { mirrorAccount, mirrorConnectionStatus } from "./mirror";
import { refreshWithRetries } from "./refresh-policy";
import { readAccount, updateAccount, type Account } from "./state";

/**
 * A fresh access token from the stored grant; throws a GmailError when none can be had. The token cache calls this
 * with a context opened when the refresh starts, so `account` is the grant as stored then.
 */
export async function accessTokenFromGrant(context: MailboxContext, now: number): Promise<AccessToken> {
  const { account } = context;
  if (account?.status !== "active" || !account.grant) throw notUsable(account?.status ?? "not_connected");
  const opened = await openGrant(tokenKeys(context.config), account.address, account.grant);
  if (!opened.ok) {
    // Without a readable grant nothing works until the user connects again (R6).
    await markNeedsReauth(context, account, `grant_${opened.error}`, now);
    throw notUsable("needs_reauth");
  }
  const { refreshToken, resealed } = opened.value;
  if (resealed) updateAccount(context.sql, { grant: resealed });
  const refreshed = await refreshWithRetries(context.config, refreshToken);
  if (refreshed.ok) {
    return { token: refreshed.value.accessToken, expiresAt: now + refreshed.value.expiresInSec * 1000 };
  }
  const { failure, retryAfter } = refreshed.error;
  if (failure.kind === "auth_revoked") await markNeedsReauth(context, account, failure.reason ?? "invalid_grant", now);
  throw new GmailError(failure, retryAfter, "refresh access token");
}

/**
 * R6: invalid_grant from any call (or another auth_revoked verdict, e.g. 403 domainPolicy during the
 * sync) pauses the mailbox at once; only a reconnect makes it active again.
 */
export async function markNeedsReauth(
  context: Pick<MailboxContext, "sql" | "env" | "tokens">,
  used: Account,
  reason: string,
  now: number,
): Promise<void> {
  const current = readAccount(context.sql);
  // A reconnect may have stored a new grant while the refresh was out: its verdict is not about that one.
  if (current?.status !== "active" || current.grant?.ciphertext !== used.grant?.ciphertext) return;
  const next = updateAccount(context.sql, { status: "needs_reauth", reauthReason: reason, updatedAt: now });
  context.tokens.clear();
  log.warn("mailbox_needs_reauth", { address: current.address, reason });
  if (next) await mirrorAccount(context.env, next);
  await mirrorConnectionStatus(
    context.env,
    current.address,
    listConnections(context.sql),
    { status: "needs_reauth", reason },
    now,
  );
}

function notUsable(reason: string): GmailError {
  return new GmailError({ kind: "auth_revoked", status: null, reason, retryAt: null }, null, "access token");
}
