import { createRoute } from "@hono/zod-openapi";
import { AppError } from "../../errors";
import { isAllowedReturnTo } from "../../google/return-to";
import { issueConnectLink } from "../../mailbox/connect-link";
import { disconnectMailbox, loadMailbox, requireMember } from "../mailbox-access";
import { JSON_BODY_LIMIT_BYTES, limitBody } from "../middleware/body-limit";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { ConnectAnswer, ConnectBody, MailboxAnswer, MailboxParams } from "../schemas/mailbox";

/** Mounted at /v1/locations/{locationId}/users: "Settings > My Profile > Email (2-way sync)". */
export const mailboxRoutes = newRouter();

mailboxRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{userId}/mailbox",
    summary: "The user's Gmail connection in this location",
    security: BEARER_AUTH,
    request: { params: MailboxParams },
    responses: { 200: jsonContent(MailboxAnswer, "The mailbox"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    await requireMember(c.env, locationId, userId);
    return c.json({ mailbox: await loadMailbox(c.env, c.var.config, locationId, userId) }, 200);
  },
);

mailboxRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{userId}/mailbox/connect",
    summary: "Start connecting a Google account: answers the URL to send the user's browser to (R1, R32)",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: MailboxParams,
      body: { required: false, content: { "application/json": { schema: ConnectBody } } },
    },
    responses: {
      200: jsonContent(ConnectAnswer, "Google's authorization URL"),
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    const { returnTo } = c.req.valid("json") ?? {};
    const config = c.var.config;
    if (returnTo !== undefined && !isAllowedReturnTo(returnTo, config.ALLOWED_RETURN_ORIGINS)) {
      throw new AppError("invalid_request", "returnTo must be an absolute URL on one of the allowed origins.", {
        issues: [
          { path: ["returnTo"], code: "origin_not_allowed", message: "origin is not in ALLOWED_RETURN_ORIGINS" },
        ],
      });
    }
    await requireMember(c.env, locationId, userId);
    const authorizationUrl = await issueConnectLink(
      config,
      { locationId, userId, returnTo: returnTo ?? null },
      Date.now(),
    );
    return c.json({ authorizationUrl }, 200);
  },
);

mailboxRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{userId}/mailbox",
    summary: "Disconnect: stop the watch, revoke the grant, keep everything synced (R5)",
    security: BEARER_AUTH,
    request: { params: MailboxParams },
    responses: { 200: jsonContent(MailboxAnswer, "The mailbox, disconnected"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    await requireMember(c.env, locationId, userId);
    await disconnectMailbox(c.env, locationId, userId);
    return c.json({ mailbox: await loadMailbox(c.env, c.var.config, locationId, userId) }, 200);
  },
);
