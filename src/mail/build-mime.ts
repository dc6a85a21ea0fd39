import { encodeQuotedPrintable } from "./encode-body";
import {
  CRLF,
  addressHeader,
  filenameParams,
  formatDate,
  messageIdListHeader,
  unstructuredHeader,
} from "./encode-header";
import { mimeLength, renderMime, type MimeSegment } from "./mime-segments";
import { attachmentBase64, type OutgoingAttachment, type OutgoingMessage } from "./outgoing-message";
import { validateOutgoingMessage, type OutgoingRefusal } from "./validate-outgoing";
import { ok, type Result } from "../util/result";

export type { OutgoingMessage } from "./outgoing-message";

/*
 * Our own builder rather than the `mimetext` package (checked: v3.0.28). Its default entry imports
 * node:os and Buffer; its browser entry pulls @babel/runtime-corejs3 + core-js-pure (~16 MB installed)
 * and mime-types; it quotes display names without escaping. What a send needs is ~250 lines here,
 * with no dependency, and round-trip tested against postal-mime (test/unit/mail/build-mime*.test.ts).
 */

/** The whole message as text, or what is wrong with it. */
export type BuildMimeResult = Result<string, OutgoingRefusal>;

/** The message as ordered segments (mime-segments.ts) and its exact size in bytes, or the problem. */
export type MimePlan = Result<{ segments: MimeSegment[]; length: number }, OutgoingRefusal>;

interface Part {
  headers: string[];
  body: MimeSegment[];
}

// Fixed boundaries are safe: content is only ever QP or base64, neither of which can start a line with "--=_".
const MIXED_BOUNDARY = "=_crm_mixed_7f3a";
const ALTERNATIVE_BOUNDARY = "=_crm_alt_7f3a";

/**
 * Builds the RFC 5322 message of a CRM send: CRLF line endings, all lines ≤ 998 (body lines ≤ 76),
 * ASCII only. Validates first (validateOutgoingMessage): an invalid message yields the problem, never bytes.
 */
export function buildMime(message: OutgoingMessage): BuildMimeResult {
  const plan = planMime(message);
  return plan.ok ? ok(renderMime(plan.value.segments)) : plan;
}

/**
 * The same message as buildMime, as segments to stream (mime-segments.ts): attachments stay the caller's
 * base64, wrapped only as the bytes go out, so a 20 MB attachment is never held twice.
 */
export function planMime(message: OutgoingMessage): MimePlan {
  const validation = validateOutgoingMessage(message);
  if (!validation.ok) return validation;
  const headers = [
    `Date: ${formatDate(message.date)}`,
    addressHeader("From", [message.from]),
    addressHeader("To", message.to),
    ...(message.cc.length > 0 ? [addressHeader("Cc", message.cc)] : []),
    ...(message.bcc.length > 0 ? [addressHeader("Bcc", message.bcc)] : []),
    unstructuredHeader("Subject", message.subject),
    `Message-ID: ${message.messageId}`,
    ...(message.inReplyTo ? [`In-Reply-To: ${message.inReplyTo}`] : []),
    ...(message.references && message.references.length > 0
      ? [messageIdListHeader("References", message.references)]
      : []),
    "MIME-Version: 1.0",
  ];
  const root = rootPart(message);
  const segments = [[...headers, ...root.headers].join(CRLF) + CRLF + CRLF, ...root.body];
  return ok({ segments, length: mimeLength(segments) });
}

function rootPart(message: OutgoingMessage): Part {
  const body = bodyPart(message.text ?? null, message.html ?? null);
  if (message.attachments.length === 0) return body;
  return multipart("mixed", MIXED_BOUNDARY, [body, ...message.attachments.map(attachmentPart)]);
}

function bodyPart(text: string | null, html: string | null): Part {
  if (text !== null && html !== null) {
    return multipart("alternative", ALTERNATIVE_BOUNDARY, [textPart("plain", text), textPart("html", html)]);
  }
  return html !== null ? textPart("html", html) : textPart("plain", text ?? "");
}

function textPart(subtype: "plain" | "html", content: string): Part {
  return {
    headers: [`Content-Type: text/${subtype}; charset=UTF-8`, "Content-Transfer-Encoding: quoted-printable"],
    body: [encodeQuotedPrintable(content)],
  };
}

function attachmentPart(attachment: OutgoingAttachment): Part {
  const [dispositionParam, typeParam] = filenameParams(attachment.filename);
  return {
    headers: [
      `Content-Type: ${attachment.contentType.toLowerCase()};${CRLF} ${typeParam}`,
      `Content-Disposition: attachment;${CRLF} ${dispositionParam}`,
      "Content-Transfer-Encoding: base64",
    ],
    body: [attachment.staged ? { staged: attachment.staged } : { base64: attachmentBase64(attachment) }],
  };
}

function multipart(subtype: "mixed" | "alternative", boundary: string, parts: Part[]): Part {
  const body = parts.flatMap((p) => [`--${boundary}${CRLF}${p.headers.join(CRLF)}${CRLF}${CRLF}`, ...p.body, CRLF]);
  return {
    headers: [`Content-Type: multipart/${subtype}; boundary="${boundary}"`],
    body: [...body, `--${boundary}--${CRLF}`],
  };
}

/**
 * A Message-ID of ours: `<random@domain-of-from>`. `random` comes from the caller (crypto.randomUUID in
 * production) so this stays pure; it is reduced to characters valid in a msg-id.
 */
export function newMessageId(fromEmail: string, random: string): string {
  const domain = fromEmail.slice(fromEmail.lastIndexOf("@") + 1) || "localhost";
  return `<${random.replace(/[^A-Za-z0-9.-]/g, "")}@${domain}>`;
}
