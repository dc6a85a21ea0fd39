import { createRoute, z } from "@hono/zod-openapi";
import { directoryDb } from "../../db/database";
import { upsertUser } from "../../db/users";
import { requireAdmin } from "../middleware/auth";
import { JSON_BODY_LIMIT_BYTES, limitBody } from "../middleware/body-limit";
import { presentUser } from "../present";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { PutUserBody, User, UserIdParam } from "../schemas/provisioning";

/** Mounted at /v1/users. Users are provisioned by admin tokens only. */
export const userRoutes = newRouter();

userRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{userId}",
    summary: "Create or update a user (admin)",
    security: BEARER_AUTH,
    middleware: [requireAdmin, limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: UserIdParam,
      body: { required: true, content: { "application/json": { schema: PutUserBody } } },
    },
    responses: { 200: jsonContent(z.object({ user: User }), "The user"), ...errorResponses(400, 401, 403, 413) },
  }),
  async (c) => {
    const { userId } = c.req.valid("param");
    const body = c.req.valid("json");
    const row = await upsertUser(
      directoryDb(c.env),
      { id: userId, email: body.email, name: body.name ?? null },
      Date.now(),
    );
    return c.json({ user: presentUser(row) }, 200);
  },
);
