import type { MiddlewareHandler } from "hono";
import { directoryDb } from "../../db/database";
import { getLocation } from "../../db/locations";
import { AppError } from "../../errors";
import type { AppEnv } from "../context";

/** Everything below `/v1/locations/:locationId/…` needs a provisioned location; else 404 before any work. */
export const requireLocation: MiddlewareHandler<AppEnv> = async (c, next) => {
  const locationId = c.req.param("locationId") ?? "";
  if (!(await getLocation(directoryDb(c.env), locationId))) {
    throw new AppError(
      "not_found",
      `Location ${locationId} does not exist; provision it with PUT /v1/locations/{locationId}.`,
    );
  }
  await next();
};
