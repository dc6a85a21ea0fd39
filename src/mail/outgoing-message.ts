import type { Address } from "./message-facts";

/** An attachment of a CRM send. */
export interface OutgoingAttachment {
  filename: string;
  /** "type/subtype" only, no parameters. */
  contentType: string;
  content: Uint8Array;
}

/** Everything build-mime.ts needs for one CRM send (R13, R17). Addresses are normalized. */
export interface OutgoingMessage {
  /** The connected mailbox address, with the user's name as display name (API.md). */
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
