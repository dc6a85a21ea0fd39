import type { AttachmentRow } from "../db/messages";
import type { Env } from "../env";

export interface AttachmentContent {
  body: ReadableStream;
  size: number;
}

/**
 * Where an attachment's bytes live. Mail logged through the BCC address (R19) keeps them in R2 under
 * `storageKey`. Mail synced from Gmail keeps only Gmail's part id and is read from Gmail on demand: that
 * source is wired in by the Gmail sync issue (it needs the mailbox's Durable Object for the access token);
 * until then such an attachment answers null, which the route turns into 404 `not_found`.
 */
export async function readAttachmentContent(
  env: Pick<Env, "ATTACHMENTS">,
  attachment: Pick<AttachmentRow, "storageKey" | "gmailPartId">,
): Promise<AttachmentContent | null> {
  if (attachment.storageKey !== null) {
    const object = await env.ATTACHMENTS.get(attachment.storageKey);
    return object ? { body: object.body, size: object.size } : null;
  }
  return null;
}
