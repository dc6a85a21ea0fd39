import { utf8 } from "../util/base64";
import { randomHex } from "../util/random";
import { encodeBase64Lines, encodeWord, isAscii } from "./encodings";

export interface Address {
  email: string;
  name?: string;
}

export interface AttachmentInput {
  filename: string;
  contentType: string;
  content: Uint8Array;
  /** An inline part (referenced by `cid:` from the html) rather than an attachment. */
  inline?: boolean;
  contentId?: string;
}

/** What the emulator composes into RFC 822 for control-API deliveries and sends from Gmail's own interface. */
export interface ComposeInput {
  from: Address;
  to: Address[];
  cc?: Address[];
  bcc?: Address[];
  replyTo?: Address[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: AttachmentInput[];
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  date: Date;
  headers?: Record<string, string>;
}

export function formatAddress(address: Address): string {
  if (!address.name) return address.email;
  const name = isAscii(address.name) ? JSON.stringify(address.name) : encodeWord(address.name);
  return `${name} <${address.email}>`;
}

function textPart(type: string, text: string): string {
  const body = isAscii(text) ? text.replace(/\r?\n/g, "\r\n") : encodeBase64Lines(utf8.encode(text));
  const cte = isAscii(text) ? "7bit" : "base64";
  return `Content-Type: ${type}; charset="UTF-8"\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n${body}`;
}

function attachmentPart(a: AttachmentInput): string {
  const name = encodeWord(a.filename);
  const lines = [
    `Content-Type: ${a.contentType}; name="${name}"`,
    `Content-Disposition: ${a.inline ? "inline" : "attachment"}; filename="${name}"`,
    "Content-Transfer-Encoding: base64",
  ];
  if (a.contentId) lines.push(`Content-ID: <${a.contentId.replace(/^<|>$/g, "")}>`);
  return `${lines.join("\r\n")}\r\n\r\n${encodeBase64Lines(a.content)}`;
}

function multipart(subtype: string, parts: string[]): string {
  const boundary = `${randomHex(28)}`;
  const body = parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("");
  return `Content-Type: multipart/${subtype}; boundary="${boundary}"\r\n\r\n${body}--${boundary}--`;
}

function bodyEntity(input: ComposeInput): string {
  const alternatives: string[] = [];
  if (input.text !== undefined || input.html === undefined) alternatives.push(textPart("text/plain", input.text ?? ""));
  if (input.html !== undefined) alternatives.push(textPart("text/html", input.html));
  let entity = alternatives.length > 1 ? multipart("alternative", alternatives) : alternatives[0]!;
  const inline = (input.attachments ?? []).filter((a) => a.inline);
  const attached = (input.attachments ?? []).filter((a) => !a.inline);
  if (inline.length > 0) entity = multipart("related", [entity, ...inline.map(attachmentPart)]);
  if (attached.length > 0) entity = multipart("mixed", [entity, ...attached.map(attachmentPart)]);
  return entity;
}

export function newMessageIdHeader(domain: string): string {
  return `<${randomHex(24)}@${domain}>`;
}

/** Builds an RFC 822 message (CRLF line ends) from fields. */
export function composeMessage(input: ComposeInput): Uint8Array {
  const head: string[] = [
    `From: ${formatAddress(input.from)}`,
    `Date: ${input.date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${input.messageId ?? newMessageIdHeader(input.from.email.split("@")[1] ?? "mail.gmail.com")}`,
    `Subject: ${encodeWord(input.subject)}`,
  ];
  if (input.to.length > 0) head.push(`To: ${input.to.map(formatAddress).join(", ")}`);
  if (input.cc?.length) head.push(`Cc: ${input.cc.map(formatAddress).join(", ")}`);
  if (input.bcc?.length) head.push(`Bcc: ${input.bcc.map(formatAddress).join(", ")}`);
  if (input.replyTo?.length) head.push(`Reply-To: ${input.replyTo.map(formatAddress).join(", ")}`);
  if (input.inReplyTo) head.push(`In-Reply-To: ${input.inReplyTo}`);
  if (input.references?.length) head.push(`References: ${input.references.join(" ")}`);
  for (const [name, value] of Object.entries(input.headers ?? {})) head.push(`${name}: ${value}`);
  head.push("MIME-Version: 1.0");
  return utf8.encode(`${head.join("\r\n")}\r\n${bodyEntity(input)}\r\n`);
}
