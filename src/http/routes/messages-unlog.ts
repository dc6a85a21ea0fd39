import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../../errors";
import { unlogMessage } from "../../privacy/unlog";
import { JSON_BODY_LIMIT_BYTES, limitBody } from "../middleware/body-limit";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { UnlogBody, UnlogParams } from "../schemas/privacy";

/** Mounted at /v1/locations/{locationId}/messages: R28's un-log. */
export const unlogRoutes = newRouter();

unlogRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{messageId}/unlog",
    summary: "Un-log a message: its whole Gmail thread leaves the location, and no later message of it comes in (R28)",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: { params: UnlogParams, body: { content: { "application/json": { schema: UnlogBody } } } },
    responses: {
      200: jsonContent(z.object({ removed: z.number().int() }), "How many messages were removed"),
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const { locationId, messageId } = c.req.valid("param");
    const outcome = await unlogMessage(c.env, locationId, messageId, Date.now());
    if (!outcome) throw new AppError("not_found", `Message ${messageId} does not exist in location ${locationId}.`);
    return c.json(outcome, 200);
  },
);
