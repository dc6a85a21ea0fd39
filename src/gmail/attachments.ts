import { base64DecodeStream } from "../util/base64-decode-stream";
import { jsonStringFieldStream } from "../util/json-string-field-stream";
import type { GmailClient } from "./client";

export const ATTACHMENTS_GET_UNITS = 5;

/**
 * users.messages.attachments.get (5 units), streamed (reading 12). Google answers `{attachmentId, size,
 * data}` with the whole attachment as base64url in `data`: up to ~67 MB of JSON for a 50 MB message. The
 * answer is never held: `data` is cut out of the JSON as it arrives and decoded on the way, so what this
 * returns is the attachment's bytes, chunk by chunk, in memory that does not grow with its size.
 */
export async function streamAttachment(
  client: GmailClient,
  messageId: string,
  attachmentId: string,
): Promise<ReadableStream<Uint8Array>> {
  const answer = await client.stream({
    method: "GET",
    path: `/gmail/v1/users/me/messages/${encodeURIComponent(messageId)}/attachments/${encodeURIComponent(attachmentId)}`,
    units: ATTACHMENTS_GET_UNITS,
  });
  return answer.pipeThrough(jsonStringFieldStream("data")).pipeThrough(base64DecodeStream());
}
