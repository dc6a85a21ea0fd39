import { parseAddressList } from "../mime/addresses";
import { decodeHeaderValue, headerValue } from "../mime/headers";
import { isAttachmentPart, walkMime, type MimeNode } from "../mime/parse";
import type { Account, StoredMessage } from "../state/types";
import { toBase64 } from "../util/base64";

function text(node: MimeNode | undefined): string | null {
  return node ? new TextDecoder().decode(node.body) : null;
}

/** A message as a test reads it to check what the service did: headers decoded, parts split out. */
export function viewMessage(message: StoredMessage) {
  const header = (name: string) => headerValue(message.mime.headers, name);
  const leaves = walkMime(message.mime).filter((n) => n.parts.length === 0);
  return {
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
    historyId: String(message.historyId),
    internalDate: new Date(message.internalDate).toISOString(),
    messageId: message.messageIdHeader,
    subject: message.subject,
    from: parseAddressList(header("from"))[0] ?? null,
    to: parseAddressList(header("to")),
    cc: parseAddressList(header("cc")),
    bcc: parseAddressList(header("bcc")),
    inReplyTo: header("in-reply-to"),
    references: header("references"),
    headers: message.mime.headers.map((h) => ({ name: h.name, value: decodeHeaderValue(h.value) })),
    text: text(leaves.find((n) => n.mimeType === "text/plain" && !isAttachmentPart(n))),
    html: text(leaves.find((n) => n.mimeType === "text/html" && !isAttachmentPart(n))),
    attachments: leaves.filter(isAttachmentPart).map((n) => ({
      partId: n.partId,
      filename: n.filename,
      mimeType: n.mimeType,
      size: n.body.length,
      disposition: n.disposition,
      contentId: n.contentId,
      contentBase64: toBase64(n.body),
    })),
    sizeEstimate: message.raw.length,
    rawBase64: toBase64(message.raw),
  };
}

export type MessageView = ReturnType<typeof viewMessage>;

export function viewMailbox(account: Account, now: number) {
  const messages = [...account.mailbox.messages.values()].sort(
    (a, b) => a.internalDate - b.internalDate || (a.id < b.id ? -1 : 1),
  );
  return {
    email: account.email,
    name: account.name,
    sub: account.sub,
    historyId: String(account.mailbox.historyId),
    historyFloor: String(account.mailbox.floor),
    now: new Date(now).toISOString(),
    clockOffsetMs: account.clockOffsetMs,
    watch: account.watch ? { ...account.watch, expiration: new Date(account.watch.expiration).toISOString() } : null,
    messages: messages.map(viewMessage),
    threads: [...account.mailbox.threads.entries()].map(([id, messageIds]) => ({ id, messageIds })),
  };
}

export type MailboxView = ReturnType<typeof viewMailbox>;
