import PostalMime, { type Attachment, type Email } from "postal-mime";
import { parseAddress, parseAddressList } from "./address";
import type { AttachmentFacts, MessageFacts } from "./message-facts";
import { countMimeEntities, MAX_MIME_ENTITIES } from "./mime-entities";
import { angleIds, capHeaderValue, firstAngleId, MAX_ID_CHARS, parseDateHeader, subjectText } from "./header-values";
import { err, ok, type Result } from "../util/result";

/** A raw RFC 822 message parsed: its facts, and every header field in document order (top first). */
export interface RawMessage {
  facts: MessageFacts;
  headers: { key: string; value: string }[];
}

export type ParseRawResult = Result<RawMessage, string>;

// Bounds that keep a hostile message from costing more than a real one: deep MIME trees, nested
// message/rfc822 chains and header floods are refused or flattened by postal-mime itself.
const PARSER_LIMITS = { maxNestingDepth: 50, maxRfc822NestingDepth: 3, maxHeadersSize: 1024 * 1024 };
// The same cuts as the Gmail sync (sync/gmail-message.ts): both paths store alike.
const MAX_SUBJECT_CHARS = 2_000;
const MAX_RECIPIENTS_PER_FIELD = 500;

/**
 * postal-mime → MessageFacts, for mail that reaches us raw (the BCC address; Gmail `format=raw`).
 * The size is checked before anything is parsed. Never throws: unreadable input is an error value.
 * `fallbackSentAt` stands in for a missing or unreadable Date header (the time of receipt).
 */
export async function parseRawMessage(
  raw: Uint8Array,
  maxBytes: number,
  fallbackSentAt: number,
): Promise<ParseRawResult> {
  if (raw.byteLength > maxBytes) {
    return err(`The message is ${raw.byteLength} bytes; at most ${maxBytes} are accepted.`);
  }
  // Reading 13: counted on the bytes, before postal-mime builds a node per part.
  if (countMimeEntities(raw) > MAX_MIME_ENTITIES) {
    return err(`The message has more than ${MAX_MIME_ENTITIES} MIME parts, the most accepted.`);
  }
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { ...PARSER_LIMITS, attachmentEncoding: "arraybuffer" });
  } catch (error) {
    const detail = error instanceof Error ? error.message : "unreadable MIME";
    return err(`The message could not be parsed: ${detail}.`);
  }
  // Ids and the date are read from the header values as written, the way the Gmail sync reads them.
  const headers = email.headers.map((h) => ({ key: h.key, value: h.value }));
  const facts: MessageFacts = {
    messageIdHeader: firstAngleId(firstHeader(headers, "message-id")),
    from: parseAddress(firstHeader(headers, "from")),
    to: recipients(headers, "to"),
    cc: recipients(headers, "cc"),
    bcc: recipients(headers, "bcc"),
    subject: subjectText(capHeaderValue(email.subject ?? "")).slice(0, MAX_SUBJECT_CHARS),
    text: email.text ?? null,
    html: email.html ?? null,
    sentAt: parseDateHeader(firstHeader(headers, "date")) ?? fallbackSentAt,
    inReplyTo: firstAngleId(firstHeader(headers, "in-reply-to")),
    references: angleIds(firstHeader(headers, "references") ?? "").slice(-100),
    attachments: email.attachments.map(toAttachment),
  };
  return ok({ facts, headers });
}

function toAttachment(part: Attachment): AttachmentFacts {
  const content =
    typeof part.content === "string" ? new TextEncoder().encode(part.content) : new Uint8Array(part.content);
  const contentId = part.contentId?.trim().replace(/^<|>$/g, "").slice(0, MAX_ID_CHARS) || null;
  return {
    filename: (part.filename ?? fallbackName(part.mimeType)).slice(0, 255),
    contentType: part.mimeType,
    size: content.byteLength,
    // As the Gmail sync decides it: the disposition when there is one, else whether the part has a Content-ID.
    inline: part.disposition !== null ? part.disposition === "inline" : contentId !== null,
    contentId,
    gmailPartId: null,
    content,
  };
}

function fallbackName(mimeType: string): string {
  return mimeType === "message/rfc822" ? "message.eml" : "attachment";
}

function firstHeader(headers: RawMessage["headers"], key: string): string | null {
  const value = headers.find((h) => h.key === key)?.value;
  return value === undefined ? null : capHeaderValue(value);
}

/** Every header of that name counts: a message may carry To twice. */
function recipients(headers: RawMessage["headers"], key: string): MessageFacts["to"] {
  const values = headers.filter((h) => h.key === key).map((h) => h.value);
  return parseAddressList(capHeaderValue(values.join(", "))).slice(0, MAX_RECIPIENTS_PER_FIELD);
}
