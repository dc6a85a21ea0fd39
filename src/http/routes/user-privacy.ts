import { createRoute, z } from "@hono/zod-openapi";
import { locationDb } from "../../db/database";
import { isMember } from "../../db/members";
import { getUserNeverLog, putUserNeverLog } from "../../db/privacy-settings";
import { AppError } from "../../errors";
import { JSON_BODY_LIMIT_BYTES, limitBody } from "../middleware/body-limit";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { PutUserPrivacyBody, UserPrivacy, UserPrivacyParams } from "../schemas/privacy";

/**
 * Mounted at /v1/locations/{locationId}/users: a user's own never-log list (R27). It is kept per location
 * (a location's token can change nothing another location relies on, R23) and applies to the mailboxes the
 * user connected there.
 */
export const userPrivacyRoutes = newRouter();

const PrivacyAnswer = z.object({ privacy: UserPrivacy });

userPrivacyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{userId}/privacy",
    summary: "Read a user's own never-log list (R27)",
    security: BEARER_AUTH,
    request: { params: UserPrivacyParams },
    responses: { 200: jsonContent(PrivacyAnswer, "The user's list"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    const db = await locationDb(c.env, locationId);
    await requireMember(db, locationId, userId);
    return c.json({ privacy: { neverLog: await getUserNeverLog(db, locationId, userId) } }, 200);
  },
);

userPrivacyRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{userId}/privacy",
    summary: "Set a user's own never-log list (R27): addresses or @domain, at most 1,000",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: UserPrivacyParams,
      body: { required: true, content: { "application/json": { schema: PutUserPrivacyBody } } },
    },
    responses: { 200: jsonContent(PrivacyAnswer, "The user's list now"), ...errorResponses(400, 401, 403, 404, 413) },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = await locationDb(c.env, locationId);
    await requireMember(db, locationId, userId);
    const neverLog = body.neverLog ?? (await getUserNeverLog(db, locationId, userId));
    await putUserNeverLog(db, locationId, userId, neverLog, Date.now());
    return c.json({ privacy: { neverLog } }, 200);
  },
);

async function requireMember(db: Parameters<typeof isMember>[0], locationId: string, userId: string): Promise<void> {
  if (!(await isMember(db, locationId, userId))) {
    throw new AppError("not_found", `User ${userId} is not a member of location ${locationId}.`);
  }
}
