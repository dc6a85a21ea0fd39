import { createRoute, z } from "@hono/zod-openapi";
import { locationDb } from "../../db/database";
import { getAttachment, getMessage } from "../../db/messages/read";
import { AppError } from "../../errors";
import { readAttachmentContent } from "../attachment-content";
import { attachmentDisposition, safeContentType } from "../content-disposition";
import { answerMessage } from "../message-answer";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { setMessageUnread } from "../../messages/set-unread";
import { AttachmentParams, Message, MessageParams, UpdateMessageBody } from "../schemas/messages";

/** Mounted at /v1/locations/{locationId}/messages: the read side (the send route joins it later). */
export const messageRoutes = newRouter();

messageRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{messageId}",
    summary: "Read a message",
    security: BEARER_AUTH,
    request: { params: MessageParams },
    responses: {
      200: jsonContent(z.object({ message: Message }), "The message"),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId, messageId } = c.req.valid("param");
    const row = await getMessage(await locationDb(c.env, locationId), locationId, messageId);
    if (!row) throw new AppError("not_found", `Message ${messageId} does not exist in location ${locationId}.`);
    return c.json({ message: await answerMessage(c.env, row) }, 200);
  },
);

messageRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{messageId}",
    summary: "Mark a message read or unread (R26): in Gmail too when Gmail holds it",
    security: BEARER_AUTH,
    request: {
      params: MessageParams,
      body: { required: true, content: { "application/json": { schema: UpdateMessageBody } } },
    },
    responses: {
      200: jsonContent(z.object({ message: Message }), "The message, once Gmail has the change"),
      ...errorResponses(400, 401, 403, 404, 409, 502),
    },
  }),
  async (c) => {
    const { locationId, messageId } = c.req.valid("param");
    const row = await setMessageUnread(c.env, locationId, messageId, c.req.valid("json").unread);
    return c.json({ message: await answerMessage(c.env, row) }, 200);
  },
);

messageRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{messageId}/attachments/{attachmentId}",
    summary: "Download an attachment's content",
    security: BEARER_AUTH,
    request: { params: AttachmentParams },
    responses: {
      200: {
        description: "The bytes, with Content-Type and Content-Disposition: attachment",
        content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
      },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId, messageId, attachmentId } = c.req.valid("param");
    const row = await getAttachment(await locationDb(c.env, locationId), locationId, messageId, attachmentId);
    const content = row ? await readAttachmentContent(c.env, row) : null;
    if (!row || !content) {
      throw new AppError("not_found", `Attachment ${attachmentId} of message ${messageId} is not available.`);
    }
    return new Response(content.body, {
      headers: {
        "Content-Type": safeContentType(row.contentType),
        "Content-Length": String(content.size),
        "Content-Disposition": attachmentDisposition(row.filename),
        // Sender-supplied bytes on our origin: never sniffed, never rendered as a page with our cookies.
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
      },
    });
  },
);
