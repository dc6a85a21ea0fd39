import { createRoute } from "@hono/zod-openapi";
import { directoryDb } from "../../db/database";
import { getLocation, provisionLocation } from "../../db/locations";
import { AppError } from "../../errors";
import { requireAdmin } from "../middleware/auth";
import { JSON_BODY_LIMIT_BYTES, limitBody } from "../middleware/body-limit";
import { presentLocation } from "../present";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { Location, LocationIdParam, PutLocationBody } from "../schemas/provisioning";
import { z } from "@hono/zod-openapi";

/** Mounted at /v1/locations. Provisioning: admin creates or renames; a location token reads its own. */
export const locationRoutes = newRouter();

const LocationAnswer = z.object({ location: Location });

locationRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{locationId}",
    summary: "Create or rename a location (admin)",
    security: BEARER_AUTH,
    middleware: [requireAdmin, limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: LocationIdParam,
      body: { required: true, content: { "application/json": { schema: PutLocationBody } } },
    },
    responses: { 200: jsonContent(LocationAnswer, "The location"), ...errorResponses(400, 401, 403, 413) },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const { name } = c.req.valid("json");
    const row = await provisionLocation(c.env, locationId, name, Date.now());
    return c.json({ location: presentLocation(row, c.var.config.BCC_DOMAIN) }, 200);
  },
);

locationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{locationId}",
    summary: "Read a location",
    security: BEARER_AUTH,
    request: { params: LocationIdParam },
    responses: { 200: jsonContent(LocationAnswer, "The location"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const row = await getLocation(directoryDb(c.env), locationId);
    if (!row) throw new AppError("not_found", `Location ${locationId} does not exist.`);
    return c.json({ location: presentLocation(row, c.var.config.BCC_DOMAIN) }, 200);
  },
);
