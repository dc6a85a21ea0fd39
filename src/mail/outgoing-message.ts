import { base64DecodedSize, decodeBase64 } from "./base64";
import { toBase64 } from "./encode-header";
import type { Address } from "./message-facts";

/**
 * An attachment of a CRM send. Its content is either bytes, or canonical base64 (padded, no line breaks) as
 * the request carried it: a 20 MB attachment then stays one string, never decoded only to be re-encoded.
 */
export type OutgoingAttachment = {
  filename: string;
  /** "type/subtype" only, no parameters. */
  contentType: string;
} & (
  | { content: Uint8Array; contentBase64?: never; staged?: never }
  | { contentBase64: string; content?: never; staged?: never }
  | { staged: StagedContent; content?: never; contentBase64?: never }
);

/**
 * Bytes a multipart send put aside (R2, send/stage-form.ts): their exact size, and a way to read them from
 * the start, once per attempt of the upload (R25).
 */
export interface StagedContent {
  size: number;
  open: () => Promise<ReadableStream<Uint8Array>>;
}

/** Everything build-mime.ts needs for one CRM send (R13, R17). Addresses are normalized. */
export interface OutgoingMessage {
  /** The connected mailbox address, with the user's name as display name (docs/api.md). */
  from: Address;
  to: readonly Address[];
  cc: readonly Address[];
  /** Kept in the raw message so Gmail's Sent copy shows it; Gmail removes it on delivery. */
  bcc: readonly Address[];
  subject: string;
  text?: string | null;
  html?: string | null;
  attachments: readonly OutgoingAttachment[];
  /** Ours, with angle brackets: see newMessageId. */
  messageId: string;
  date: Date;
  /** For replies (R13): the Message-ID replied to, and the thread's References. */
  inReplyTo?: string | null;
  references?: readonly string[];
}

/** Gmail counts To, Cc and Bcc together against its per-message recipient limits. */
export const MAX_RECIPIENTS = 100;

/** The attachment's content as unwrapped base64, as the MIME body carries it (wrapped at 76). */
export function attachmentBase64(attachment: OutgoingAttachment): string {
  if (attachment.staged) throw new Error("outgoing-message: staged content is streamed, not held as base64");
  return attachment.contentBase64 ?? toBase64(attachment.content);
}

/** Decoded bytes (R17 counts these), without decoding base64 content. */
export function attachmentSize(attachment: OutgoingAttachment): number {
  if (attachment.staged) return attachment.staged.size;
  return attachment.contentBase64 === undefined
    ? attachment.content.byteLength
    : base64DecodedSize(attachment.contentBase64);
}

/** The bytes, for providers and stores that take bytes (the location's provider, R2). */
export function attachmentBytes(attachment: OutgoingAttachment): Uint8Array {
  if (attachment.staged) throw new Error("outgoing-message: staged content must be read first (readStaged)");
  return attachment.contentBase64 === undefined ? attachment.content : decodeBase64(attachment.contentBase64);
}
