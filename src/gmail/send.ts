/*
 * Gmail's users.messages.send, and the Sent search that makes a retried send safe (R25).
 * Failures arrive as GmailError (client.ts), already classified.
 */
import { z } from "zod";
import type { GmailClient } from "./client";

const SentMessage = z.object({ id: z.string().min(1), threadId: z.string().min(1) });
export type SentMessage = z.infer<typeof SentMessage>;

/**
 * At or above this raw size the message goes through the upload endpoint. The JSON endpoint carries the
 * message base64url-encoded inside JSON (a third larger, and held twice in memory while encoding), and
 * Google documents its plain request bodies in single megabytes; the media upload takes up to 35 MB of raw
 * bytes. 3 MiB raw makes a 4 MiB JSON body: ordinary mail takes the JSON path, attachments go by upload.
 */
export const UPLOAD_THRESHOLD_BYTES = 3 * 1024 * 1024;

// Gmail API quota units (Google's table): messages.send 100, messages.list 5.
const SEND_UNITS = 100;
const LIST_UNITS = 5;

/** Sends one RFC 822 message (ASCII, as build-mime.ts makes it); `threadId` puts it in the replied thread (R13). */
export async function sendRawMessage(client: GmailClient, raw: string, threadId: string | null): Promise<SentMessage> {
  if (raw.length >= UPLOAD_THRESHOLD_BYTES) {
    const upload = multipartUpload(raw, threadId);
    return client.request({
      method: "POST",
      path: "/upload/gmail/v1/users/me/messages/send",
      query: { uploadType: "multipart" },
      body: upload.body,
      contentType: upload.contentType,
      schema: SentMessage,
      units: SEND_UNITS,
      call: "messages_send",
    });
  }
  return client.request({
    method: "POST",
    path: "/gmail/v1/users/me/messages/send",
    body: { raw: toBase64Url(new TextEncoder().encode(raw)), ...(threadId === null ? {} : { threadId }) },
    schema: SentMessage,
    units: SEND_UNITS,
    call: "messages_send",
  });
}

/**
 * multipart/related: the Message resource as JSON (its threadId), then the raw message/rfc822. Built as one
 * string: the raw message is ASCII, and fetch encodes it once, with no byte copy of our own on the way.
 */
export function multipartUpload(raw: string, threadId: string | null): { body: string; contentType: string } {
  const boundary = `upload_${crypto.randomUUID().replaceAll("-", "")}`;
  const metadata = JSON.stringify(threadId === null ? {} : { threadId });
  const body =
    `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${metadata}\r\n` +
    `--${boundary}\r\nContent-Type: message/rfc822\r\n\r\n${raw}\r\n--${boundary}--\r\n`;
  return { body, contentType: `multipart/related; boundary=${boundary}` };
}

const MessageList = z.object({ messages: z.array(z.object({ id: z.string(), threadId: z.string() })).optional() });

/**
 * R25: the message with this RFC 822 Message-ID in the mailbox's Sent, or null. `rfc822msgid:` matches
 * the header; `in:sent` leaves out a copy that reached the inbox (a send to oneself).
 */
export async function findSentByMessageId(client: GmailClient, messageIdHeader: string): Promise<SentMessage | null> {
  const answer = await client.request({
    method: "GET",
    path: "/gmail/v1/users/me/messages",
    query: { q: `rfc822msgid:${messageIdHeader.replace(/^<|>$/g, "")} in:sent`, maxResults: "1" },
    schema: MessageList,
    units: LIST_UNITS,
  });
  return answer.messages?.[0] ?? null;
}

/** base64url without padding, as Gmail's `raw` field takes it; chunked so that no call gets huge arguments. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
