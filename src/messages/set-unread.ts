import { sql } from "drizzle-orm";
import { locationDb } from "../db/database";
import { crmUnreadStatement } from "../db/messages/state";
import { runBatch } from "../db/run-batch";
import { recordMessageEvents } from "../events/outbox";
import { relayEvents } from "../events/relay";
import { getMessage, type MessageWithAttachments } from "../db/messages/read";
import type { Env } from "../env";
import { AppError } from "../errors";
import { mailboxStub } from "../mailbox/stub";

/**
 * R26, PATCH …/messages/{id} {"unread"}: a message Gmail holds changes in Gmail first (through its
 * mailbox's Durable Object, which stores the state on every copy); one Gmail never held (BCC-logged mail,
 * location sends) changes only in the CRM. Answers the row as stored afterwards.
 */
export async function setMessageUnread(
  env: Env,
  locationId: string,
  messageId: string,
  unread: boolean,
): Promise<MessageWithAttachments> {
  const db = await locationDb(env, locationId);
  const row = await getMessage(db, locationId, messageId);
  if (!row) throw new AppError("not_found", `Message ${messageId} does not exist in location ${locationId}.`);
  if (row.gmailMessageId === null || row.gmailMailbox === null) {
    if (row.unread !== unread) {
      // R29: the event only if the row really changed (evaluated inside the batch, after the update).
      const changed = sql`changes() > 0`;
      const events = recordMessageEvents("message.updated", locationId, [messageId], Date.now(), { onlyIf: changed });
      await runBatch(db, [crmUnreadStatement(locationId, messageId, unread), ...events.statements]);
      await relayEvents(env, db, locationId, events.eventIds);
    }
  } else {
    await changeInGmail(
      env,
      locationId,
      { mailbox: row.gmailMailbox, gmailMessageId: row.gmailMessageId, state: row.gmailState },
      unread,
    );
  }
  const after = await getMessage(db, locationId, messageId);
  if (!after) throw new AppError("not_found", `Message ${messageId} does not exist in location ${locationId}.`);
  return after;
}

async function changeInGmail(
  env: Env,
  locationId: string,
  gmail: { mailbox: string; gmailMessageId: string; state: string },
  unread: boolean,
): Promise<void> {
  if (gmail.state === "deleted") throw deletedInGmail();
  const outcome = await mailboxStub(env, gmail.mailbox).setUnread({
    locationId,
    gmailMessageId: gmail.gmailMessageId,
    unread,
  });
  if (outcome.ok) return;
  const refusal = outcome.error;
  switch (refusal.reason) {
    case "mailbox_needs_reauth":
      throw new AppError(
        "mailbox_needs_reauth",
        `The Gmail connection of ${gmail.mailbox} needs the user to sign in again.`,
      );
    case "mailbox_not_connected":
      throw new AppError(
        "mailbox_not_connected",
        `The mailbox ${gmail.mailbox} is no longer connected in this location.`,
      );
    case "message_deleted_in_gmail":
      throw deletedInGmail();
    case "gmail_error":
      throw new AppError("gmail_error", "Gmail refused the change.", {
        status: refusal.status,
        reason: refusal.googleReason,
      });
  }
}

function deletedInGmail(): AppError {
  return new AppError("message_deleted_in_gmail", "The message was deleted in Gmail; its state can no longer change.");
}
