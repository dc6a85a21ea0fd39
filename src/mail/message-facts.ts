/**
 * What the product knows of one email, whichever way it arrived (Gmail sync or the BCC address).
 * Parsers produce it; the routing rules and the message store consume it.
 */
export interface Address {
  /** Trimmed and lower-cased. */
  email: string;
  /** Display name, RFC 2047 decoded; null when the header had none. */
  name: string | null;
}

export interface AttachmentFacts {
  filename: string;
  contentType: string;
  /** Decoded bytes. */
  size: number;
  inline: boolean;
  /** Content-ID without angle brackets, for `cid:` references in the html. */
  contentId: string | null;
  /** Gmail's MIME part id, when the message came through Gmail (content is fetched on demand). */
  gmailPartId: string | null;
  /** The decoded content, when the message did not come through Gmail (BCC) and must be kept by us. */
  content: Uint8Array | null;
}

export interface MessageFacts {
  /** RFC 822 Message-ID with its angle brackets, or null when the message had none. */
  messageIdHeader: string | null;
  from: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  text: string | null;
  html: string | null;
  /** Unix ms: the Date header, or Gmail's internalDate when the header is missing or unreadable. */
  sentAt: number;
  inReplyTo: string | null;
  references: string[];
  attachments: AttachmentFacts[];
}
