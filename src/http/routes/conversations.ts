import { createRoute, z } from "@hono/zod-openapi";
import { getConversation, listConversations } from "../../db/conversations";
import { locationDb } from "../../db/database";
import { listMessages } from "../../db/messages/read";
import { AppError } from "../../errors";
import { toPage } from "../cursor";
import { answerMessages, rowsWithinBodyBudget } from "../message-answer";
import { presentConversation } from "../present";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent, PageQuery } from "../schemas/common";
import { Conversation, ConversationParams, ListConversationsQuery, Message } from "../schemas/messages";
import { LocationIdParam } from "../schemas/provisioning";

/** Mounted at /v1/locations/{locationId}/conversations. Read only: messages arrive by sync, send or BCC. */
export const conversationRoutes = newRouter();

const notFound = (locationId: string, conversationId: string) =>
  new AppError("not_found", `Conversation ${conversationId} does not exist in location ${locationId}.`);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "List conversations, latest activity first (optionally of one contact)",
    security: BEARER_AUTH,
    request: { params: LocationIdParam, query: ListConversationsQuery },
    responses: {
      200: jsonContent(
        z.object({ conversations: z.array(Conversation), nextCursor: z.string().nullable() }),
        "A page of conversations",
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const { contactId, cursor, limit } = c.req.valid("query");
    const rows = await listConversations(await locationDb(c.env, locationId), locationId, {
      contactId,
      after: cursor,
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (row) => ({ at: row.lastMessageAt ?? row.createdAt, id: row.id }));
    return c.json({ conversations: page.items.map(presentConversation), nextCursor: page.nextCursor }, 200);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{conversationId}",
    summary: "Read a conversation",
    security: BEARER_AUTH,
    request: { params: ConversationParams },
    responses: {
      200: jsonContent(z.object({ conversation: Conversation }), "The conversation"),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId, conversationId } = c.req.valid("param");
    const row = await getConversation(await locationDb(c.env, locationId), locationId, conversationId);
    if (!row) throw notFound(locationId, conversationId);
    return c.json({ conversation: presentConversation(row) }, 200);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{conversationId}/messages",
    summary: "List a conversation's messages, oldest first",
    security: BEARER_AUTH,
    request: { params: ConversationParams, query: PageQuery },
    responses: {
      200: jsonContent(
        z.object({ messages: z.array(Message), nextCursor: z.string().nullable() }),
        "A page of messages",
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId, conversationId } = c.req.valid("param");
    const { cursor, limit } = c.req.valid("query");
    const db = await locationDb(c.env, locationId);
    if (!(await getConversation(db, locationId, conversationId))) throw notFound(locationId, conversationId);
    const rows = await listMessages(db, locationId, conversationId, { after: cursor, limit: limit + 1 });
    const page = toPage(rows, rowsWithinBodyBudget(rows, limit), (row) => ({ at: row.sentAt, id: row.id }));
    return c.json({ messages: await answerMessages(c.env, page.items), nextCursor: page.nextCursor }, 200);
  },
);
