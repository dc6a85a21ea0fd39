/*
 * Gmail's users.messages.send, and the Sent search that makes a retried send safe (R25).
 * Failures arrive as GmailError (client.ts), already classified.
 */
import { z } from "zod";
import { toBase64Url } from "../util/base64url";
import type { GmailClient } from "./client";

const SentMessage = z.object({ id: z.string().min(1), threadId: z.string().min(1) });
export type SentMessage = z.infer<typeof SentMessage>;

/**
 * At or above this raw size the message goes through the upload endpoint, streamed. The JSON endpoint carries
 * the message base64url-encoded inside JSON (a third larger, built as one string), and Google documents its
 * plain request bodies in single megabytes; the media upload takes up to 35 MB of raw bytes. 3 MiB raw makes
 * a 4 MiB JSON body: ordinary mail takes the JSON path, attachments go by upload. The Worker picks the shape
 * of RawMessage by this threshold (send-via-gmail.ts), so big messages are never whole strings.
 */
export const UPLOAD_THRESHOLD_BYTES = 3 * 1024 * 1024;

/**
 * The RFC 822 message of a send (ASCII, as build-mime.ts makes it): whole below UPLOAD_THRESHOLD_BYTES, else
 * its exact length and a way to open it as a byte stream, called once per attempt (over RPC, a call back
 * into the Worker that holds the request).
 */
export type RawMessage =
  | { kind: "inline"; raw: string }
  | { kind: "stream"; length: number; open: () => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>> };

// Gmail API quota units (Google's table): messages.send 100, messages.list 5.
const SEND_UNITS = 100;
const LIST_UNITS = 5;

/** Sends one RFC 822 message; `threadId` puts it in the replied thread (R13). */
export async function sendRawMessage(
  client: GmailClient,
  message: RawMessage,
  threadId: string | null,
): Promise<SentMessage> {
  if (message.kind === "stream") {
    const upload = multipartUpload(message, threadId);
    return client.request({
      method: "POST",
      path: "/upload/gmail/v1/users/me/messages/send",
      query: { uploadType: "multipart" },
      openBody: upload.open,
      openBodyBytes: upload.length,
      contentType: upload.contentType,
      schema: SentMessage,
      units: SEND_UNITS,
      call: "messages_send",
    });
  }
  return client.request({
    method: "POST",
    path: "/gmail/v1/users/me/messages/send",
    body: { raw: toBase64Url(new TextEncoder().encode(message.raw)), ...(threadId === null ? {} : { threadId }) },
    schema: SentMessage,
    units: SEND_UNITS,
    call: "messages_send",
  });
}

/**
 * multipart/related: the Message resource as JSON (its threadId), then the raw message/rfc822, streamed
 * through with nothing buffered. A FixedLengthStream gives the upload its exact Content-Length (known from
 * the parts) rather than chunked encoding, and fails the request if the message is not the length it claimed.
 */
export function multipartUpload(
  message: { length: number; open: () => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>> },
  threadId: string | null,
): { contentType: string; length: number; open: () => Promise<ReadableStream<Uint8Array>> } {
  const boundary = `upload_${crypto.randomUUID().replaceAll("-", "")}`;
  const metadata = JSON.stringify(threadId === null ? {} : { threadId });
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${metadata}\r\n` +
      `--${boundary}\r\nContent-Type: message/rfc822\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const length = head.length + message.length + tail.length;
  return {
    contentType: `multipart/related; boundary=${boundary}`,
    length,
    open: async () => framed(head, await message.open(), tail).pipeThrough(new FixedLengthStream(length)),
  };
}

/** `head`, then every chunk of `body` as it is read, then `tail`. */
function framed(head: Uint8Array, body: ReadableStream<Uint8Array>, tail: Uint8Array): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let stage: "head" | "body" | "done" = "head";
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (stage === "head") {
          stage = "body";
          controller.enqueue(head);
          return;
        }
        if (stage === "done") return controller.close();
        const next = await reader.read();
        if (!next.done) return controller.enqueue(next.value);
        stage = "done";
        controller.enqueue(tail);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
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
