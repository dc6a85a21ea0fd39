import type { gmail_v1 } from "@googleapis/gmail";
import type { Context, Hono } from "hono";
import { changeLabels, deleteMessage, trashMessage, untrashMessage } from "../mailbox/changes";
import type { EmulatorState } from "../state/store";
import { SYSTEM_LABELS, type StoredMessage } from "../state/types";
import { readJsonBody } from "./body";
import { errors } from "./errors";
import { gmailCall, type GmailEnv } from "./guard";
import { GMAIL_ID } from "./messages";

/** Labels a client may not put on or take off a message: Gmail sets these itself. */
const FIXED_LABELS = new Set(["DRAFT", "SENT", "CHAT"]);
/** The discovery document: "The IDs of the messages. There is a limit of 1000 ids per request." */
const MAX_BATCH_MODIFY_IDS = 1000;
/** "You can add up to 100 labels with each update." */
const MAX_LABELS_PER_UPDATE = 100;

type LabelChange = { add: string[]; remove: string[] };

function readLabelList(body: Record<string, unknown>, field: "addLabelIds" | "removeLabelIds"): string[] | Response {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    return errors.badRequest(`Invalid JSON payload received. Invalid value at '${field}'.`);
  }
  const labels = value as string[];
  if (labels.length > MAX_LABELS_PER_UPDATE)
    return errors.invalidArgument(`Too many labels: at most ${MAX_LABELS_PER_UPDATE}`);
  const invalid = labels.find((l) => !(SYSTEM_LABELS as readonly string[]).includes(l) || FIXED_LABELS.has(l));
  return invalid === undefined ? labels : errors.invalidArgument(`Invalid label: ${invalid}`);
}

function readLabelChange(body: Record<string, unknown>): LabelChange | Response {
  const add = readLabelList(body, "addLabelIds");
  if (add instanceof Response) return add;
  const remove = readLabelList(body, "removeLabelIds");
  if (remove instanceof Response) return remove;
  return { add, remove };
}

/** The message an `{id}` path names, or Gmail's answer: 400 for an id that cannot be one, 404 when gone. */
function pathMessage(c: Context<GmailEnv>): StoredMessage | Response {
  const id = c.req.param("id") ?? "";
  if (!GMAIL_ID.test(id)) return errors.invalidArgument("Invalid id value");
  return c.var.call.account.mailbox.messages.get(id.toLowerCase()) ?? errors.notFound();
}

/** modify, trash and untrash answer the message's new labels (the Message resource, without its payload). */
function messageAnswer(message: StoredMessage): Response {
  const answer: gmail_v1.Schema$Message = {
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
  };
  return new Response(JSON.stringify(answer, null, 2), {
    headers: { "Content-Type": "application/json; charset=UTF-8", Vary: "Origin, X-Origin, Referer" },
  });
}

/**
 * messages.modify, batchModify, trash, untrash and delete: each effective label change is a labelAdded or
 * labelRemoved history record (a push when it touches a watched label), a delete a messageDeleted record.
 */
export function modifyRoutes(app: Hono<GmailEnv>, state: EmulatorState): void {
  app.post(
    "/gmail/v1/users/:userId/messages/batchModify",
    gmailCall(state, "users.messages.batchModify"),
    async (c) => {
      const read = await readJsonBody(c.req.raw);
      if (!read.ok) return read.response;
      const ids = read.body.ids;
      if (!Array.isArray(ids) || ids.length === 0) return errors.invalidArgument("No message ids specified");
      if (ids.length > MAX_BATCH_MODIFY_IDS)
        return errors.invalidArgument(`Too many ids: at most ${MAX_BATCH_MODIFY_IDS}`);
      if (ids.some((id) => typeof id !== "string" || !GMAIL_ID.test(id)))
        return errors.invalidArgument("Invalid id value");
      const change = readLabelChange(read.body);
      if (change instanceof Response) return change;
      const { account } = c.var.call;
      for (const id of ids as string[]) {
        const message = account.mailbox.messages.get(id.toLowerCase());
        if (message) changeLabels(state, account, message, change.add, change.remove);
      }
      return new Response(null, { status: 204 });
    },
  );

  app.post("/gmail/v1/users/:userId/messages/:id/modify", gmailCall(state, "users.messages.modify"), async (c) => {
    const message = pathMessage(c);
    if (message instanceof Response) return message;
    const read = await readJsonBody(c.req.raw);
    if (!read.ok) return read.response;
    const change = readLabelChange(read.body);
    if (change instanceof Response) return change;
    changeLabels(state, c.var.call.account, message, change.add, change.remove);
    return messageAnswer(message);
  });

  app.post("/gmail/v1/users/:userId/messages/:id/trash", gmailCall(state, "users.messages.trash"), (c) => {
    const message = pathMessage(c);
    if (message instanceof Response) return message;
    trashMessage(state, c.var.call.account, message);
    return messageAnswer(message);
  });

  app.post("/gmail/v1/users/:userId/messages/:id/untrash", gmailCall(state, "users.messages.untrash"), (c) => {
    const message = pathMessage(c);
    if (message instanceof Response) return message;
    untrashMessage(state, c.var.call.account, message);
    return messageAnswer(message);
  });

  app.delete("/gmail/v1/users/:userId/messages/:id", gmailCall(state, "users.messages.delete"), (c) => {
    const message = pathMessage(c);
    if (message instanceof Response) return message;
    deleteMessage(state, c.var.call.account, message);
    return new Response(null, { status: 204 });
  });
}
