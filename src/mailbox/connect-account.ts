import { GmailClient } from "../gmail/client";
import { startWatch } from "../gmail/watch";
import type { SealedToken } from "../google/token-crypto";
import { log } from "../log";
import { err, ok, type Result } from "../util/result";
import { addConnection, listConnections, removeAllConnections } from "./connections";
import { sealGrant, tokenKeys } from "./grant-store";
import type { MailboxContext } from "./context";
import { mirrorAccount, mirrorConnection, mirrorConnectionStatus } from "./mirror";
import { readAccount, writeAccount, type Account } from "./state";
import { readMailboxStatus } from "./read-status";
import type { MailboxStatus } from "./status";
import { resetSync } from "./sync-state";

/** What the OAuth callback hands over once Google's answer is verified (secrets stay inside the DO). */
export interface ConnectInput {
  address: string;
  userId: string;
  locationId: string;
  refreshToken: string;
  accessToken: string;
  accessExpiresInSec: number;
  scopes: string;
  now: number;
}

export type ConnectOutcome = Result<{ resumed: boolean; status: MailboxStatus }, "mailbox_taken" | "google_error">;

/**
 * R1/R2/R6: stores the grant, starts the watch, and keeps the cursor when the same owner reconnects.
 * `requestSync` is the DO's own verb: a resumed mailbox catches up at once.
 */
export async function connectAccount(
  context: MailboxContext,
  input: ConnectInput,
  requestSync: (at: number) => Promise<unknown>,
): Promise<ConnectOutcome> {
  const { sql, config } = context;
  if (takenBySomeoneElse(sql, input.userId)) return err("mailbox_taken");
  const sealed = await sealGrant(tokenKeys(config), input.address, input.refreshToken);
  // The new grant's token, but the mailbox's own pacer: users.watch costs 100 units of the same per-user quota
  // that the first sync spends right after (reading 9).
  const fresh = new GmailClient({
    baseUrl: config.GMAIL_API_URL,
    accessToken: async () => input.accessToken,
    quotaGate: context.quotaGate,
    timeoutMs: config.GOOGLE_TIMEOUT_MS,
  });
  let watch: Awaited<ReturnType<typeof startWatch>>;
  try {
    watch = await startWatch(fresh, config.PUBSUB_TOPIC);
  } catch (error) {
    log.warn("mailbox_watch_start_failed", { address: input.address, error });
    return err("google_error");
  }
  // Checked again: another connect may have run while the watch call was out.
  if (takenBySomeoneElse(sql, input.userId)) return err("mailbox_taken");
  const before = readAccount(sql);
  const resumed = before !== null && before.status !== "disconnected" && before.historyId !== null;
  const account = connectedAccount(input, sealed, watch, resumed ? before : null);
  // One transaction: a reset without the new account (or the account without its connection) never stays.
  const connection = context.transaction(() => {
    if (!resumed) {
      removeAllConnections(sql);
      // R2: a fresh start point; whatever an earlier connection left queued is not synced.
      resetSync(sql);
    }
    writeAccount(sql, account);
    return addConnection(sql, { locationId: input.locationId, userId: input.userId, connectedAt: input.now });
  });
  context.tokens.seed({ token: input.accessToken, expiresAt: input.now + input.accessExpiresInSec * 1000 });
  await mirrorAccount(context.env, account);
  const reason = resumed ? "reconnected" : "connected";
  await mirrorConnection(context.env, account, connection, reason, input.now);
  await mirrorConnectionStatus(
    context.env,
    account.address,
    listConnections(sql),
    { status: "active", reason },
    input.now,
  );
  log.info("mailbox_connected", { address: account.address, locationId: input.locationId, resumed });
  // R6: what arrived while paused is caught up from the saved cursor now, not at the next push.
  if (resumed) await requestSync(input.now);
  return ok({ resumed, status: readMailboxStatus(context, input.now) });
}

/** Pure: the account row after a connect; `resumed` is the row a reconnect of the same owner keeps going from. */
function connectedAccount(
  input: ConnectInput,
  grant: SealedToken,
  watch: { historyId: string; expiration: number },
  resumed: Account | null,
): Account {
  return {
    address: input.address,
    ownerUserId: input.userId,
    status: "active",
    grant,
    scopes: input.scopes,
    connectedAt: resumed ? resumed.connectedAt : input.now,
    // R2: a new connection starts where the watch started; R6: a reconnect resumes from the saved cursor.
    historyId: resumed ? resumed.historyId : watch.historyId,
    watchExpiresAt: watch.expiration,
    watchRenewedAt: input.now,
    watchFailures: 0,
    watchNextAttemptAt: null,
    watchError: null,
    lastSyncedAt: resumed ? resumed.lastSyncedAt : null,
    reauthReason: null,
    updatedAt: input.now,
  };
}

function takenBySomeoneElse(sql: SqlStorage, userId: string): boolean {
  const account = readAccount(sql);
  return account !== null && account.ownerUserId !== userId && account.status !== "disconnected";
}
