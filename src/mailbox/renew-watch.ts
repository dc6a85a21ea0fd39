import { GmailError } from "../gmail/client";
import { startWatch } from "../gmail/watch";
import { reportSyncDegraded } from "../events/mailbox-problems";
import { log } from "../log";
import { err, ok, type Result } from "../util/result";
import { listConnections } from "./connections";
import { markNeedsReauth } from "./grant-use";
import type { MailboxContext } from "./context";
import { mirrorAccount } from "./mirror";
import { readAccount, updateAccount } from "./state";
import { readMailboxStatus } from "./read-status";
import type { MailboxStatus } from "./status";
import { decideWatchRenewal, watchRetryDelayMs, WATCH_FAILURES_VISIBLE } from "../sync/watch-renewal";

/**
 * The watch as the renewal left it: renewed now, not due yet or waiting out a backoff (R3); or why not: the
 * mailbox is not active, or the renewal failed (counted, shown in the status). The status either way.
 */
export type RenewOutcome = Result<
  { renewal: "renewed" | "not_due" | "backing_off"; status: MailboxStatus },
  { reason: "not_active" | "failed"; status: MailboxStatus }
>;

/** R3: renews the watch when due (sync/watch-renewal.ts decides); failures back off and show in the status, a refused grant pauses the mailbox (R6). Skips needs_reauth. */
export async function renewWatch(context: MailboxContext, now: number): Promise<RenewOutcome> {
  const { sql, account } = context;
  if (account?.status !== "active") return err({ reason: "not_active", status: readMailboxStatus(context, now) });
  const decision = decideWatchRenewal(account, now);
  if (decision !== "renew") return ok({ renewal: decision, status: readMailboxStatus(context, now) });
  try {
    const watch = await startWatch(context.gmail, context.config.PUBSUB_TOPIC);
    // The cursor is not touched: it moves only with the messages it covers (R22).
    const next = updateAccount(sql, {
      watchExpiresAt: watch.expiration,
      watchRenewedAt: now,
      watchFailures: 0,
      watchNextAttemptAt: null,
      watchError: null,
      updatedAt: now,
    });
    if (next) await mirrorAccount(context.env, next);
    return ok({ renewal: "renewed", status: readMailboxStatus(context, now) });
  } catch (error) {
    // Google refused the grant itself (R6: 403 domainPolicy, 401 after refresh): retrying cannot help until
    // the user connects again, so the mailbox pauses as the sync does (an invalid_grant refresh already did).
    if (error instanceof GmailError && error.kind === "auth_revoked" && readAccount(sql)?.status === "active") {
      log.warn("watch_renewal_auth_revoked", { address: account.address, reason: error.reason });
      await markNeedsReauth(context, account, error.reason ?? "auth_revoked", now);
    }
    // Paused on the way (R6) is no renewal failure: nothing to renew.
    if (readAccount(sql)?.status !== "active")
      return err({ reason: "not_active", status: readMailboxStatus(context, now) });
    const failures = recordWatchFailure(sql, error, now);
    // Announced once per failing streak, when it becomes visible in the mailbox status.
    if (failures === WATCH_FAILURES_VISIBLE) {
      const details = {
        failures,
        reason: readAccount(sql)?.watchError ?? null,
        watchExpiresAt: account.watchExpiresAt,
      };
      await reportSyncDegraded(
        context.env,
        account.address,
        listConnections(sql),
        { problem: "watch_renewal_failing", details },
        now,
      );
    }
    return err({ reason: "failed", status: readMailboxStatus(context, now) });
  }
}

/** Counts the failure; returns the failures in a row (0 when the mailbox is no longer active). */
function recordWatchFailure(sql: SqlStorage, error: unknown, now: number): number {
  const account = readAccount(sql);
  if (account?.status !== "active") return 0;
  const failures = account.watchFailures + 1;
  const reason =
    error instanceof GmailError ? `${error.kind}:${error.reason ?? error.status ?? "unknown"}` : "unexpected";
  updateAccount(sql, {
    watchFailures: failures,
    watchNextAttemptAt: now + watchRetryDelayMs(failures),
    watchError: reason,
    updatedAt: now,
  });
  const fields = { address: account.address, failures, reason, watchExpiresAt: account.watchExpiresAt };
  if (failures >= WATCH_FAILURES_VISIBLE) log.error("watch_renewal_failing", fields);
  else log.warn("watch_renewal_failed", fields);
  return failures;
}
