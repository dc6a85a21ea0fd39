import type { gmail_v1 } from "@googleapis/gmail";

/**
 * Where the content of one part of a messages.get (format full) answer is. Pure. Gmail puts small bodies
 * inline as base64url `data`, and hands larger ones and attachments as an `attachmentId` for
 * attachments.get; that id changes from one read to the next, so it is taken from the read just made.
 */
export type GmailPartContent =
  | { kind: "inline"; data: string }
  | { kind: "attachment"; attachmentId: string; size: number };

/** The part numbered `partId` (stable across reads, unlike attachment ids); null when the message has none. */
export function locateGmailPart(message: gmail_v1.Schema$Message, partId: string): GmailPartContent | null {
  const part = findPart(message.payload, partId);
  if (part === null) return null;
  const body = part.body ?? {};
  if (!body.data && body.attachmentId) {
    return { kind: "attachment", attachmentId: body.attachmentId, size: body.size ?? 0 };
  }
  return { kind: "inline", data: body.data ?? "" };
}

function findPart(part: gmail_v1.Schema$MessagePart | undefined, partId: string): gmail_v1.Schema$MessagePart | null {
  if (!part) return null;
  if ((part.partId ?? "") === partId) return part;
  for (const child of part.parts ?? []) {
    const found = findPart(child, partId);
    if (found) return found;
  }
  return null;
}
