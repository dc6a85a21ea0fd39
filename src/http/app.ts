import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../env";
import { AppError, errorResponse } from "../errors";
import { loadConfig } from "../config";
import { log } from "../log";

export type AppEnv = { Bindings: Env };

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();

  // Fail closed: a missing or malformed setting answers 500 `misconfigured` on every route.
  app.use("*", async (c, next) => {
    loadConfig(c.env);
    await next();
  });

  app.get("/healthz", (c) => c.json({ ok: true }));

  app.notFound(() => errorResponse(new AppError("not_found", "No such route.")));
  app.onError((err) => {
    if (err instanceof AppError) return errorResponse(err);
    log.error("unhandled_error", { error: err });
    return errorResponse(new AppError("internal_error", "Something went wrong on our side; try again."));
  });
  return app;
}
