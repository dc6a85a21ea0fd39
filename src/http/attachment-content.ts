import type { AttachmentRow } from "../db/messages/read";
import { locationDb } from "../db/database";
import { getMessageGmailRef } from "../db/messages/gmail-ref";
import type { Env } from "../env";
import { AppError } from "../errors";
import { openGmailAttachment } from "../messages/gmail-attachment";

export interface AttachmentContent {
  body: ReadableStream;
  size: number;
}

/**
 * Where an attachment's bytes live. Mail logged through the BCC address (R19) keeps them in R2 under
 * `storageKey`. Mail synced from Gmail keeps only Gmail's part id: the bytes are streamed from Gmail on
 * demand with a token the mailbox's Durable Object lends (reading 12). Null when they cannot be had (the
 * message is gone from Gmail, the mailbox no longer serves the location), which the route answers 404.
 */
export async function readAttachmentContent(
  env: Env,
  attachment: Pick<AttachmentRow, "storageKey" | "gmailPartId" | "locationId" | "messageId">,
): Promise<AttachmentContent | null> {
  if (attachment.storageKey !== null) {
    const object = await env.ATTACHMENTS.get(attachment.storageKey);
    return object ? { body: object.body, size: object.size } : null;
  }
  if (attachment.gmailPartId === null) return null;
  const message = await getMessageGmailRef(
    await locationDb(env, attachment.locationId),
    attachment.locationId,
    attachment.messageId,
  );
  if (!message) return null;
  const part = await openGmailAttachment(env, {
    mailbox: message.mailbox,
    locationId: attachment.locationId,
    gmailMessageId: message.messageId,
    partId: attachment.gmailPartId,
  });
  if (part.ok) return part.value;
  if (part.error === "gmail_error")
    throw new AppError("gmail_error", "Gmail did not hand over the attachment; try again.", {
      status: 502,
      reason: "attachment_unavailable",
    });
  return null;
}
