import type { AttachmentFacts } from "../mail/message-facts";
import { sha256Hex } from "../util/sha256";

/**
 * Puts the content of a logged message's attachments into R2 (R17, R19), returning each one's key,
 * index for index (null where there is no content to keep). Keys derive from the location, the
 * Message-ID and the part's position: a retried delivery overwrites the same objects, never adds more.
 */
export async function putAttachmentContents(
  bucket: R2Bucket,
  locationId: string,
  messageIdHeader: string,
  attachments: readonly AttachmentFacts[],
): Promise<(string | null)[]> {
  const folder = `bcc/${locationId}/${await sha256Hex(messageIdHeader)}`;
  return Promise.all(
    attachments.map(async (attachment, position) => {
      if (attachment.content === null) return null;
      const key = `${folder}/${position}`;
      await bucket.put(key, attachment.content, { httpMetadata: { contentType: attachment.contentType } });
      return key;
    }),
  );
}
