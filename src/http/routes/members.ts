import { createRoute, z } from "@hono/zod-openapi";
import { directoryDb, locationDb } from "../../db/database";
import { addMember } from "../../db/members";
import { getUser } from "../../db/users";
import { AppError } from "../../errors";
import { removeMemberFromLocation } from "../../mailbox/remove-member";
import { JSON_BODY_LIMIT_BYTES, limitBody } from "../middleware/body-limit";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { Member, MemberParams, PutMemberBody } from "../schemas/provisioning";

/** Mounted at /v1/locations/{locationId}/members; the location's existence is checked by app.ts. */
export const memberRoutes = newRouter();

memberRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{userId}",
    summary: "Make a user a member of the location",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: { params: MemberParams, body: { content: { "application/json": { schema: PutMemberBody } } } },
    responses: {
      200: jsonContent(z.object({ member: Member }), "The membership"),
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    if (!(await getUser(directoryDb(c.env), userId))) {
      throw new AppError("not_found", `User ${userId} does not exist; provision it with PUT /v1/users/{userId}.`);
    }
    await addMember(await locationDb(c.env, locationId), locationId, userId, Date.now());
    return c.json({ member: { locationId, userId } }, 200);
  },
);

memberRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{userId}",
    summary: "End a user's membership of the location; their mailbox connection there ends as by a disconnect (R5)",
    security: BEARER_AUTH,
    request: { params: MemberParams },
    responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    if (!(await removeMemberFromLocation(c.env, locationId, userId, Date.now()))) {
      throw new AppError("not_found", `User ${userId} is not a member of location ${locationId}.`);
    }
    return c.body(null, 204);
  },
);
