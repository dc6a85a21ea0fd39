import type { gmail_v1 } from "@googleapis/gmail";
import { decodeWords } from "postal-mime";
import { parseAddress, parseAddressList } from "../mail/address";
import { isBulkMail } from "../mail/bulk-headers";
import type { AttachmentFacts, MessageFacts } from "../mail/message-facts";
import { decodeBase64Url, decodeText, headerParameter, unflowText } from "./gmail-body";
import { MAX_MIME_ENTITIES } from "../mail/mime-entities";
import {
  angleIds,
  capHeaderValue,
  firstAngleId,
  MAX_ID_CHARS,
  parseDateHeader,
  subjectText,
} from "../mail/header-values";

type Part = gmail_v1.Schema$MessagePart;
type Header = gmail_v1.Schema$MessagePartHeader;

/** A Gmail message reduced to what the sync needs: its ids, labels and the parsed facts. */
export interface GmailMessage {
  gmailMessageId: string;
  gmailThreadId: string;
  labelIds: string[];
  /** Unix ms when Gmail received it (internalDate; 0 when missing): R2's start point is compared with it. */
  receivedAt: number;
  /** R27: the top-level headers mark it as bulk mail (lists, auto-generated). */
  bulk: boolean;
  facts: MessageFacts;
}

/*
 * Header fields are bounded so that a pathological header block cannot make a row too large for D1; bodies
 * are never cut (R31): the message store keeps a large one whole in R2.
 */
export const MAX_SUBJECT_CHARS = 2_000;
export const MAX_RECIPIENTS_PER_FIELD = 500;

/**
 * Gmail `messages.get` (format `full`) → the ids, labels and MessageFacts of the message. Pure and total:
 * a missing or garbled part yields what could be read; only a message without id or thread id is refused.
 */
export function toGmailMessage(message: gmail_v1.Schema$Message): GmailMessage | { error: string } {
  if (!message.id || !message.threadId) return { error: "message without id or threadId" };
  const payload = message.payload ?? {};
  const headers = payload.headers ?? [];
  const body = { text: [] as string[], html: [] as string[], attachments: [] as AttachmentFacts[], parts: 0 };
  walkPart(payload, body);
  const internalDate = Number(message.internalDate ?? "0");
  const facts: MessageFacts = {
    messageIdHeader: firstAngleId(header(headers, "message-id")),
    from: parseAddress(header(headers, "from")),
    to: recipients(headers, "to"),
    cc: recipients(headers, "cc"),
    bcc: recipients(headers, "bcc"),
    subject: subjectText(decodeHeaderText(header(headers, "subject") ?? "")).slice(0, MAX_SUBJECT_CHARS),
    text: joinBodies(body.text),
    html: joinBodies(body.html),
    sentAt: parseDateHeader(header(headers, "date")) ?? (Number.isFinite(internalDate) ? internalDate : 0),
    inReplyTo: firstAngleId(header(headers, "in-reply-to")),
    references: angleIds(header(headers, "references") ?? "").slice(-100),
    attachments: body.attachments,
  };
  const receivedAt = Number.isFinite(internalDate) ? internalDate : 0;
  return {
    gmailMessageId: message.id,
    gmailThreadId: message.threadId,
    labelIds: message.labelIds ?? [],
    receivedAt,
    bulk: isBulkMail(headers),
    facts,
  };
}

interface Walked {
  text: string[];
  html: string[];
  attachments: AttachmentFacts[];
  /** Parts seen so far: past MAX_MIME_ENTITIES (reading 13) the rest of the tree is not read. */
  parts: number;
}

function walkPart(part: Part, out: Walked): void {
  out.parts += 1;
  if (out.parts > MAX_MIME_ENTITIES) return;
  const headers = part.headers ?? [];
  const mimeType = (part.mimeType ?? "text/plain").toLowerCase();
  const disposition = header(headers, "content-disposition");
  if (isAttachment(part, mimeType, disposition)) {
    out.attachments.push(toAttachment(part, mimeType, disposition));
    return;
  }
  if (mimeType.startsWith("multipart/")) {
    for (const child of part.parts ?? []) walkPart(child, out);
    return;
  }
  if (mimeType !== "text/plain" && mimeType !== "text/html") return;
  const data = part.body?.data;
  if (!data) {
    // Gmail moves very large bodies out of line: keep them reachable as an attachment rather than lose them.
    if (part.body?.attachmentId) out.attachments.push(toAttachment(part, mimeType, disposition));
    return;
  }
  const contentType = header(headers, "content-type") ?? "";
  const text = decodeText(decodeBase64Url(data), headerParameter(contentType, "charset"));
  if (mimeType === "text/html") out.html.push(text);
  else if (headerParameter(contentType, "format")?.toLowerCase() === "flowed") {
    out.text.push(unflowText(text, headerParameter(contentType, "delsp")?.toLowerCase() === "yes"));
  } else out.text.push(text);
}

/** A part is an attachment when it says so, has a file name, or is neither text body nor container. */
function isAttachment(part: Part, mimeType: string, disposition: string | null): boolean {
  if (mimeType.startsWith("multipart/")) return false;
  if (disposition !== null && /^\s*attachment/i.test(disposition)) return true;
  if (part.filename) return true;
  if (mimeType === "text/plain" || mimeType === "text/html") return false;
  return true;
}

function toAttachment(part: Part, mimeType: string, disposition: string | null): AttachmentFacts {
  const headers = part.headers ?? [];
  const contentIdRaw = header(headers, "content-id") ?? header(headers, "x-attachment-id");
  const contentId =
    contentIdRaw === null ? null : contentIdRaw.trim().replace(/^<|>$/g, "").slice(0, MAX_ID_CHARS) || null;
  const inline = disposition !== null ? /^\s*inline/i.test(disposition) : contentId !== null;
  return {
    filename: decodeHeaderText(part.filename || fallbackName(headers, mimeType)).slice(0, 255),
    contentType: mimeType,
    size: part.body?.size ?? 0,
    inline,
    contentId,
    gmailPartId: part.partId ?? null,
    content: null,
  };
}

function fallbackName(headers: Header[], mimeType: string): string {
  const named = headerParameter(header(headers, "content-type") ?? "", "name");
  if (named !== null) return named;
  return mimeType === "message/rfc822" ? "message.eml" : "attachment";
}

function recipients(headers: Header[], name: string): MessageFacts["to"] {
  return parseAddressList(header(headers, name)).slice(0, MAX_RECIPIENTS_PER_FIELD);
}

/** First header of that name (case-insensitive), or null; cut to what any reader looks at (reading 11). */
function header(headers: Header[], name: string): string | null {
  for (const h of headers) if (h.name?.toLowerCase() === name) return capHeaderValue(h.value ?? "");
  return null;
}

/** Gmail passes header values as written: RFC 2047 words are decoded here. */
function decodeHeaderText(value: string): string {
  const unfolded = value.replace(/\r?\n[ \t]+/g, " ").trim();
  if (!unfolded.includes("=?")) return unfolded;
  try {
    return decodeWords(unfolded);
  } catch {
    return unfolded;
  }
}

function joinBodies(parts: string[]): string | null {
  if (parts.length === 0) return null;
  return parts.join("\n");
}
