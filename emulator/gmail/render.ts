import type { gmail_v1 } from "@googleapis/gmail";
import { decodeHeaderValue } from "../mime/headers";
import { bodyText, isAttachmentPart, type MimeNode } from "../mime/parse";
import type { StoredMessage } from "../state/types";
import { toBase64Url, utf8 } from "../util/base64";

export type MessageFormat = "minimal" | "full" | "raw" | "metadata";

function escapeSnippet(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Gmail's snippet: the start of the text body, whitespace collapsed, HTML-escaped. */
export function snippetOf(message: StoredMessage): string {
  return escapeSnippet(bodyText(message.mime).replace(/\s+/g, " ").trim().slice(0, 200));
}

/**
 * Attachment ids are opaque and, as at Gmail, differ from one fetch to the next while all stay valid:
 * a client must take the id from the message it just fetched, never cache or compare it.
 */
export function newAttachmentId(messageId: string, partId: string): string {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  return `ANGjdJ${toBase64Url(utf8.encode(`${messageId}:${partId}:`))}${toBase64Url(nonce)}`;
}

export function parseAttachmentId(attachmentId: string): { messageId: string; partId: string } | null {
  if (!attachmentId.startsWith("ANGjdJ")) return null;
  try {
    const body = attachmentId.slice(6, -16);
    const decoded = atob(body.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (body.length % 4)) % 4));
    const [messageId, partId] = decoded.split(":");
    return messageId !== undefined && partId !== undefined ? { messageId, partId } : null;
  } catch {
    return null;
  }
}

function headersOf(node: MimeNode, only?: string[]): gmail_v1.Schema$MessagePartHeader[] {
  const wanted = only?.map((h) => h.toLowerCase());
  return node.headers
    .filter((h) => !wanted || wanted.includes(h.name.toLowerCase()))
    .map((h) => ({ name: h.name, value: decodeHeaderValue(h.value) }));
}

function partOf(node: MimeNode, messageId: string): gmail_v1.Schema$MessagePart {
  const part: gmail_v1.Schema$MessagePart = {
    partId: node.partId,
    mimeType: node.mimeType,
    filename: node.filename,
    headers: headersOf(node),
  };
  if (node.parts.length > 0) {
    part.body = { size: 0 };
    part.parts = node.parts.map((child) => partOf(child, messageId));
  } else if (isAttachmentPart(node)) {
    part.body = { attachmentId: newAttachmentId(messageId, node.partId), size: node.body.length };
  } else {
    part.body = node.body.length > 0 ? { size: node.body.length, data: toBase64Url(node.body) } : { size: 0 };
  }
  return part;
}

/** A stored message as users.messages.get answers it in the given format. */
export function renderMessage(
  message: StoredMessage,
  format: MessageFormat,
  metadataHeaders: string[] = [],
): gmail_v1.Schema$Message {
  const base: gmail_v1.Schema$Message = {
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
    snippet: snippetOf(message),
    sizeEstimate: message.raw.length,
    historyId: String(message.historyId),
    internalDate: String(message.internalDate),
  };
  if (format === "minimal") return base;
  if (format === "raw") return { ...base, raw: toBase64Url(message.raw) };
  if (format === "metadata") {
    return {
      ...base,
      payload: {
        mimeType: message.mime.mimeType,
        headers: headersOf(message.mime, metadataHeaders.length > 0 ? metadataHeaders : undefined),
      },
    };
  }
  return { ...base, payload: partOf(message.mime, message.id) };
}
