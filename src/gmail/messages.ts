import type { gmail_v1 } from "@googleapis/gmail";
import { z } from "zod";
import { buildBatchBody, parseBatchResponse } from "./batch";
import { classifyGoogleFailure, type GoogleFailure } from "./classify";
import type { GmailClient } from "./client";
import { err, ok, type Result } from "../util/result";
import { readKeepingPartData } from "./message-part";

export const MESSAGES_GET_UNITS = 5;

const MessageList = z.object({
  messages: z.array(z.object({ id: z.string(), threadId: z.string().optional() })).optional(),
  nextPageToken: z.string().optional(),
});
export type MessageList = z.infer<typeof MessageList>;

/** users.messages.list (5 units), one page of ids matching a Gmail search. */
export function listMessagesPage(
  client: GmailClient,
  input: { q: string; pageToken: string | null; maxResults: number },
): Promise<MessageList> {
  return client.request({
    method: "GET",
    path: "/gmail/v1/users/me/messages",
    query: { q: input.q, maxResults: String(input.maxResults), pageToken: input.pageToken ?? undefined },
    schema: MessageList,
    units: 5,
  });
}

const Message = z.custom<gmail_v1.Schema$Message>((v) => typeof v === "object" && v !== null && "id" in v);

/** users.messages.get, format full (5 units): headers and MIME tree, attachment bodies left out. */
export function getGmailMessage(client: GmailClient, id: string): Promise<gmail_v1.Schema$Message> {
  return client.request({
    method: "GET",
    path: `/gmail/v1/users/me/messages/${encodeURIComponent(id)}`,
    query: { format: "full" },
    schema: Message,
    units: MESSAGES_GET_UNITS,
  });
}

/**
 * messages.get (format full) to reach one part (an attachment download, reading 12): the answer is read as it
 * streams with every other part's inline data dropped; `data` is part `partId`'s own, if it had any.
 */
export async function getGmailMessageForPart(
  client: GmailClient,
  id: string,
  partId: string,
): Promise<{ message: gmail_v1.Schema$Message; data: string | null }> {
  const reader = readKeepingPartData(partId);
  const message = await client.request({
    method: "GET",
    path: `/gmail/v1/users/me/messages/${encodeURIComponent(id)}`,
    query: { format: "full" },
    schema: Message,
    units: MESSAGES_GET_UNITS,
    readBody: reader.read,
  });
  return { message, data: reader.data() };
}

/** Why Gmail gave no message for one id of a batch: the classified failure and its Retry-After, if any. */
export interface FetchFailure {
  failure: GoogleFailure;
  retryAfter: string | null;
}

/** One id's answer in a batch: the message, or why not. */
export type FetchedMessage = { id: string } & Result<gmail_v1.Schema$Message, FetchFailure>;

/**
 * messages.get for many ids in one batch request: one HTTP request (one subrequest), each inner call
 * still 5 units. Every id gets an answer: items missing from Google's reply count as transient failures.
 * A failure of the batch request itself throws the client's GmailError.
 */
export async function batchGetMessages(
  client: GmailClient,
  ids: readonly string[],
  format: "full" | "minimal" = "full",
): Promise<FetchedMessage[]> {
  if (ids.length === 0) return [];
  const boundary = `batch_${crypto.randomUUID().replace(/-/g, "")}`;
  const items = ids.map((id, i) => ({
    id: `m${i}`,
    method: "GET" as const,
    path: `/gmail/v1/users/me/messages/${encodeURIComponent(id)}?format=${format}`,
  }));
  const answer = await client.request({
    method: "POST",
    path: "/batch/gmail/v1",
    body: buildBatchBody(items, boundary),
    contentType: `multipart/mixed; boundary=${boundary}`,
    schema: z.string(),
    units: MESSAGES_GET_UNITS * ids.length,
  });
  const byItem = new Map(parseBatchResponse(sniffContentType(answer), answer).map((item) => [item.id, item]));
  return ids.map((id, i): FetchedMessage => {
    const item = byItem.get(`m${i}`);
    if (item === undefined) {
      return {
        id,
        ...err({
          failure: { kind: "retry", status: null, reason: "missing_from_batch", retryAt: null },
          retryAfter: null,
        }),
      };
    }
    const body = parseJson(item.body);
    if (item.status === 200 && typeof body === "object" && body !== null && "id" in body) {
      return { id, ...ok(body as gmail_v1.Schema$Message) };
    }
    const failure = classifyGoogleFailure({ call: "gmail", status: item.status === 200 ? 502 : item.status, body });
    return { id, ...err({ failure, retryAfter: item.headers.get("retry-after") }) };
  });
}

/** The client hands over the body only: the boundary is the first line of a multipart body. */
function sniffContentType(body: string): string | null {
  const first = /^\s*--([^\r\n]+)/.exec(body)?.[1]?.trim();
  return first ? `multipart/mixed; boundary=${first}` : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const ModifiedMessage = z.object({ id: z.string(), labelIds: z.array(z.string()).optional() });

/** users.messages.modify (5 units): adds and removes labels; Gmail answers the message's new labels. */
export function modifyMessage(
  client: GmailClient,
  id: string,
  change: { addLabelIds?: string[]; removeLabelIds?: string[] },
): Promise<z.infer<typeof ModifiedMessage>> {
  return client.request({
    method: "POST",
    path: `/gmail/v1/users/me/messages/${encodeURIComponent(id)}/modify`,
    body: change,
    schema: ModifiedMessage,
    units: 5,
  });
}
