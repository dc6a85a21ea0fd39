import type { z } from "zod";
import { parseAddressList } from "../mime/addresses";
import { composeMessage, type Address } from "../mime/build";
import { fromBase64, utf8 } from "../util/base64";
import type { AddressInput, ComposedMail } from "./schemas";

export function toAddress(input: AddressInput): Address {
  if (typeof input !== "string") return { email: input.email.trim(), ...(input.name ? { name: input.name } : {}) };
  const [parsed] = parseAddressList(input);
  if (!parsed) return { email: input.trim() };
  return parsed.name ? { email: parsed.email, name: parsed.name } : { email: parsed.email };
}

export function toAddresses(input: AddressInput | AddressInput[] | undefined): Address[] {
  if (input === undefined) return [];
  return (Array.isArray(input) ? input : [input]).map(toAddress);
}

/** Turns control-API fields into RFC 822, with the given date or the mailbox's clock. */
export function composeFromFields(mail: Omit<z.infer<typeof ComposedMail>, "labelIds">, now: number): Uint8Array {
  return composeMessage({
    from: toAddress(mail.from),
    to: toAddresses(mail.to),
    cc: toAddresses(mail.cc),
    bcc: toAddresses(mail.bcc),
    replyTo: toAddresses(mail.replyTo),
    subject: mail.subject,
    ...(mail.text !== undefined ? { text: mail.text } : {}),
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    attachments: (mail.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: fromBase64(a.contentBase64) ?? new Uint8Array(),
      ...(a.inline !== undefined ? { inline: a.inline } : {}),
      ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
    })),
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references ? { references: mail.references } : {}),
    headers: mail.headers ?? {},
    date: mail.date ? new Date(mail.date) : new Date(now),
  });
}

/** Raw RFC 822 given as text: line ends become CRLF, as on the wire. */
export function rawFromText(text: string): Uint8Array {
  return utf8.encode(text.replace(/\r?\n/g, "\r\n"));
}
