import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../router";
import { jsonContent } from "../schemas/common";

/** Mounted at /: liveness. It still passes the config check, so a misconfigured service answers 500. */
export const metaRoutes = newRouter();

metaRoutes.openapi(
  createRoute({
    method: "get",
    path: "/healthz",
    summary: "Liveness",
    responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), "The service is up and configured") },
  }),
  (c) => c.json({ ok: true as const }, 200),
);
