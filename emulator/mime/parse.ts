import { bytesToBinary } from "../util/base64";
import { decodeTransfer } from "./encodings";
import { decodeHeaderValue, headerValue, parseHeaderBlock, parseParams, type RawHeader } from "./headers";

/** One node of a message's MIME tree, with Gmail's part id ("" for the root, then "0", "0.1", …). */
export interface MimeNode {
  partId: string;
  headers: RawHeader[];
  mimeType: string;
  filename: string;
  /** Decoded content of a leaf (transfer encoding undone); empty for multiparts. */
  body: Uint8Array;
  parts: MimeNode[];
  /** Content-Disposition value (`attachment`, `inline`) or null. */
  disposition: string | null;
  contentId: string | null;
}

function splitHeadersAndBody(text: string): { head: string; body: string } {
  const crlf = text.indexOf("\r\n\r\n");
  const lf = text.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return { head: text, body: "" };
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { head: text.slice(0, crlf), body: text.slice(crlf + 4) };
  return { head: text.slice(0, lf), body: text.slice(lf + 2) };
}

function splitMultipart(body: string, boundary: string): string[] | null {
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  const sections: string[][] = [];
  let current: string[] | null = null;
  let closed = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `${delimiter}--`) {
      if (current) sections.push(current);
      current = null;
      closed = true;
      break;
    }
    if (trimmed === delimiter) {
      if (current) sections.push(current);
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current && !closed) sections.push(current);
  return sections.length > 0 ? sections.map((s) => s.join("\r\n")) : null;
}

function parseNode(text: string, partId: string, defaultType: string): MimeNode {
  const { head, body } = splitHeadersAndBody(text);
  const headers = parseHeaderBlock(head);
  const type = parseParams(headerValue(headers, "content-type") ?? defaultType);
  const mimeType = /^[^/\s]+\/[^/\s]+$/.test(type.value) ? type.value : "text/plain";
  const disposition = headerValue(headers, "content-disposition");
  const dispo = disposition ? parseParams(disposition) : null;
  const rawName = dispo?.params.filename ?? type.params.name ?? "";
  const contentId = headerValue(headers, "content-id");
  const node: MimeNode = {
    partId,
    headers,
    mimeType,
    filename: decodeHeaderValue(rawName),
    body: new Uint8Array(),
    parts: [],
    disposition: dispo?.value ?? null,
    contentId: contentId ? contentId.trim() : null,
  };
  const boundary = type.params.boundary;
  if (mimeType.startsWith("multipart/") && boundary) {
    const sections = splitMultipart(body, boundary);
    if (sections) {
      const childDefault = mimeType === "multipart/digest" ? "message/rfc822" : "text/plain";
      const prefix = partId === "" ? "" : `${partId}.`;
      node.parts = sections.map((section, i) => parseNode(section, `${prefix}${i}`, childDefault));
      return node;
    }
  }
  node.body = decodeTransfer(headerValue(headers, "content-transfer-encoding") ?? "7bit", body);
  return node;
}

/** Parses an RFC 822 message into Gmail's MIME tree. Never throws: broken MIME degrades to text. */
export function parseMime(raw: Uint8Array): MimeNode {
  return parseNode(bytesToBinary(raw), "", "text/plain");
}

export function walkMime(node: MimeNode): MimeNode[] {
  return [node, ...node.parts.flatMap(walkMime)];
}

export function findPart(root: MimeNode, partId: string): MimeNode | null {
  return walkMime(root).find((n) => n.partId === partId) ?? null;
}

/** A part Gmail serves through `body.attachmentId` rather than inline `body.data`. */
export function isAttachmentPart(node: MimeNode): boolean {
  return node.parts.length === 0 && (node.filename !== "" || node.disposition === "attachment");
}

/** The first text/plain leaf (else text/html stripped of tags): the source of Gmail's snippet. */
export function bodyText(root: MimeNode): string {
  const leaves = walkMime(root).filter((n) => n.parts.length === 0 && !isAttachmentPart(n));
  const charsetOf = (n: MimeNode) =>
    parseParams(headerValue(n.headers, "content-type") ?? "").params.charset ?? "utf-8";
  const decode = (n: MimeNode) => {
    try {
      return new TextDecoder(charsetOf(n)).decode(n.body);
    } catch {
      return new TextDecoder().decode(n.body);
    }
  };
  const plain = leaves.find((n) => n.mimeType === "text/plain");
  if (plain) return decode(plain);
  const html = leaves.find((n) => n.mimeType === "text/html");
  return html
    ? decode(html)
        .replace(/<style[\s\S]*?<\/style>/gi, "")
        .replace(/<[^>]+>/g, " ")
    : "";
}
