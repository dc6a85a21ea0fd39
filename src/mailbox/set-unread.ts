import { GmailError } from "../gmail/client";
import { modifyMessage } from "../gmail/messages";
import { log } from "../log";
import { err, ok, type Result } from "../util/result";
import { stateOfLabels, type StateChange } from "../sync/state-fold";
import { markNeedsReauth } from "./grant-use";
import type { MailboxContext } from "./context";
import { LOCAL_QUOTA_PACING } from "./quota-gate";
import { readAccount } from "./state";
import { applyStateChanges } from "./state-apply";
import { forgetStateChange } from "./state-queue";

export interface SetUnreadCommand {
  locationId: string;
  gmailMessageId: string;
  unread: boolean;
}

/** Why the change was not made in Gmail (the HTTP edge answers each with its docs/api.md error). */
export type SetUnreadRefusal =
  | { reason: "mailbox_needs_reauth" | "mailbox_not_connected" | "message_deleted_in_gmail" }
  | { reason: "gmail_error"; status: number; googleReason: string };

export type SetUnreadOutcome = Result<null, SetUnreadRefusal>;

/** How long a PATCH waits for room under the mailbox's own quota pacer before it gives up. */
const MAX_QUOTA_WAIT_MS = 30_000;

/**
 * R26, CRM → Gmail: sets or clears UNREAD with messages.modify, in turn with the sync's state steps (the
 * lock), paced by the mailbox's quota gate. Gmail's answer names the message's labels: that state is
 * stored on every copy at once, and anything the walk had queued about the message (older than this
 * change) is dropped, so the history record of our own change finds the state already there: no echo.
 */
export async function setUnreadInGmail(context: MailboxContext, command: SetUnreadCommand): Promise<SetUnreadOutcome> {
  const { account } = context;
  if (account?.status === "needs_reauth") return err({ reason: "mailbox_needs_reauth" });
  const connected = context.connections().some((c) => c.locationId === command.locationId);
  if (account?.status !== "active" || !connected) return err({ reason: "mailbox_not_connected" });
  return context.stateLock.run(async () => {
    const change = command.unread ? { addLabelIds: ["UNREAD"] } : { removeLabelIds: ["UNREAD"] };
    let state: StateChange;
    try {
      const answer = await modifyPaced(context, command.gmailMessageId, change);
      state = stateOfLabels(answer.labelIds ?? (command.unread ? ["UNREAD"] : []));
    } catch (error) {
      if (!(error instanceof GmailError)) throw error;
      if (error.kind === "not_found") {
        await storeState(context, command.gmailMessageId, { deleted: true });
        return err({ reason: "message_deleted_in_gmail" });
      }
      if (error.kind === "auth_revoked") {
        await markNeedsReauth(context, account, error.reason ?? "auth_revoked", Date.now());
        return err({
          reason: readAccount(context.sql)?.status === "active" ? "mailbox_not_connected" : "mailbox_needs_reauth",
        });
      }
      log.warn("set_unread_gmail_error", { mailbox: account.address, status: error.status, reason: error.reason });
      const status = error.status ?? (error.reason === LOCAL_QUOTA_PACING ? 429 : 504);
      return err({ reason: "gmail_error", status, googleReason: error.reason ?? "no_answer" });
    }
    await storeState(context, command.gmailMessageId, state);
    return ok(null);
  });
}

async function storeState(context: MailboxContext, gmailMessageId: string, state: StateChange): Promise<void> {
  const account = readAccount(context.sql);
  if (!account) return;
  forgetStateChange(context.sql, gmailMessageId);
  const locations = context.connections().map((c) => c.locationId);
  await applyStateChanges(context.env, account.address, locations, new Map([[gmailMessageId, state]]));
}

/** messages.modify once the quota pacer has room (it may ask to wait); Google's own 429s are its answer. */
async function modifyPaced(
  context: MailboxContext,
  id: string,
  change: { addLabelIds?: string[]; removeLabelIds?: string[] },
) {
  const deadline = Date.now() + MAX_QUOTA_WAIT_MS;
  for (;;) {
    try {
      return await modifyMessage(context.gmail, id, change);
    } catch (error) {
      const resumeAt = error instanceof GmailError && error.reason === LOCAL_QUOTA_PACING ? error.retryAt : null;
      if (resumeAt === null || resumeAt > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, resumeAt - Date.now())));
    }
  }
}
