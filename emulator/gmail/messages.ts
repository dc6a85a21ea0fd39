import type { gmail_v1 } from "@googleapis/gmail";
import type { Hono } from "hono";
import { findPart, isAttachmentPart } from "../mime/parse";
import type { EmulatorState } from "../state/store";
import type { StoredMessage } from "../state/types";
import { toBase64Url } from "../util/base64";
import { errors, gmailJson, googleError } from "./errors";
import { gmailCall, type GmailEnv } from "./guard";
import { decodePageToken, encodePageToken } from "./page-token";
import { newAttachmentId, parseAttachmentId, renderMessage, type MessageFormat } from "./render";
import { parseSearch } from "./search";

/** Gmail ids are hexadecimal; anything else is a 400, not a 404. */
export const GMAIL_ID = /^[0-9a-f]{1,16}$/i;

function listMessages(
  all: Iterable<StoredMessage>,
  labelIds: string[],
  q: string | undefined,
  includeSpamTrash: boolean,
): StoredMessage[] {
  const search = q ? parseSearch(q) : null;
  const spamTrashAllowed =
    includeSpamTrash || labelIds.includes("SPAM") || labelIds.includes("TRASH") || (search?.includesSpamTrash ?? false);
  return [...all]
    .filter((m) => spamTrashAllowed || !m.labelIds.some((l) => l === "SPAM" || l === "TRASH"))
    .filter((m) => labelIds.every((l) => m.labelIds.includes(l)))
    .filter((m) => !search || search.matches(m))
    .sort((a, b) => b.internalDate - a.internalDate || (a.id < b.id ? 1 : -1));
}

export function messageRoutes(app: Hono<GmailEnv>, state: EmulatorState): void {
  app.get("/gmail/v1/users/:userId/messages", gmailCall(state, "users.messages.list"), (c) => {
    const { account, query, metadataOnly } = c.var.call;
    const q = query.string("q");
    if (q !== undefined && metadataOnly)
      return googleError(403, "forbidden", "Metadata scope does not support 'q' parameter");
    const labelIds = query.list("labelIds");
    const scope = `messages:${labelIds.join(",")}:${q ?? ""}:${query.bool("includeSpamTrash")}`;
    const pageToken = query.string("pageToken");
    const offset = pageToken === undefined ? 0 : decodePageToken(pageToken, scope);
    if (offset === null) return errors.invalidArgument("Invalid pageToken");
    const matching = listMessages(account.mailbox.messages.values(), labelIds, q, query.bool("includeSpamTrash"));
    const size = query.int("maxResults") || 100;
    const page = matching.slice(offset, offset + size);
    const answer: gmail_v1.Schema$ListMessagesResponse = { resultSizeEstimate: matching.length };
    if (page.length > 0) answer.messages = page.map((m) => ({ id: m.id, threadId: m.threadId }));
    if (offset + size < matching.length) answer.nextPageToken = encodePageToken(offset + size, scope);
    return gmailJson(answer);
  });

  app.get("/gmail/v1/users/:userId/messages/:id", gmailCall(state, "users.messages.get"), (c) => {
    const { account, query, metadataOnly } = c.var.call;
    const id = c.req.param("id");
    if (!GMAIL_ID.test(id)) return errors.invalidArgument("Invalid id value");
    const format = (query.string("format") ?? "full") as MessageFormat;
    if (metadataOnly && (format === "full" || format === "raw"))
      return googleError(403, "forbidden", `Metadata scope doesn't allow format ${format.toUpperCase()}`);
    const message = account.mailbox.messages.get(id.toLowerCase());
    if (!message) return errors.notFound();
    return gmailJson(renderMessage(message, format, query.list("metadataHeaders")));
  });

  app.get(
    "/gmail/v1/users/:userId/messages/:messageId/attachments/:id",
    gmailCall(state, "users.messages.attachments.get"),
    (c) => {
      const { account } = c.var.call;
      const messageId = c.req.param("messageId");
      if (!GMAIL_ID.test(messageId)) return errors.invalidArgument("Invalid id value");
      const message = account.mailbox.messages.get(messageId.toLowerCase());
      if (!message) return errors.notFound();
      const ref = parseAttachmentId(c.req.param("id"));
      const part = ref && ref.messageId === message.id ? findPart(message.mime, ref.partId) : null;
      if (!part || !isAttachmentPart(part)) return errors.invalidArgument("Invalid attachment token");
      // Google's MessagePartBody, in its order: the answer names an attachment id of its own (ids differ
      // from one read to the next, all valid), then the size, then the whole content as base64url.
      const answer: gmail_v1.Schema$MessagePartBody = {
        attachmentId: newAttachmentId(message.id, part.partId),
        size: part.body.length,
        data: toBase64Url(part.body),
      };
      return gmailJson(answer);
    },
  );

  app.get("/gmail/v1/users/:userId/threads/:id", gmailCall(state, "users.threads.get"), (c) => {
    const { account, query, metadataOnly } = c.var.call;
    const id = c.req.param("id");
    if (!GMAIL_ID.test(id)) return errors.invalidArgument("Invalid id value");
    const format = (query.string("format") ?? "full") as MessageFormat;
    if (metadataOnly && format === "full")
      return googleError(403, "forbidden", "Metadata scope doesn't allow format FULL");
    const ids = account.mailbox.threads.get(id.toLowerCase());
    if (!ids) return errors.notFound();
    const messages = ids
      .map((mid) => account.mailbox.messages.get(mid))
      .filter((m): m is StoredMessage => m !== undefined)
      .sort((a, b) => a.internalDate - b.internalDate);
    const answer: gmail_v1.Schema$Thread = {
      id: id.toLowerCase(),
      historyId: String(Math.max(...messages.map((m) => m.historyId))),
      messages: messages.map((m) => renderMessage(m, format, query.list("metadataHeaders"))),
    };
    return gmailJson(answer);
  });
}
