import { createRoute, z } from "@hono/zod-openapi";
import { directoryDb } from "../../db/database";
import { listIgnoredPushCounts } from "../../db/webhook-ignored";
import { requireAdmin } from "../middleware/auth";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent, Timestamp } from "../schemas/common";

/** Mounted at /v1/admin: read-only figures for operators (admin tokens only). */
export const adminRoutes = newRouter();

const WebhookStats = z
  .object({
    webhookIgnored: z.array(
      z.object({
        reason: z
          .string()
          .openapi({ description: "bad_envelope, bad_data, bad_notification, unknown_mailbox or not_active" }),
        count: z.number().int(),
        lastAt: Timestamp,
      }),
    ),
  })
  .openapi("WebhookStats");

adminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/webhook-stats",
    summary: "Authenticated Gmail pushes answered 204 but ignored, counted by reason (admin)",
    security: BEARER_AUTH,
    middleware: [requireAdmin] as const,
    responses: { 200: jsonContent(WebhookStats, "Counts since the service was deployed"), ...errorResponses(401, 403) },
  }),
  async (c) => {
    const rows = await listIgnoredPushCounts(directoryDb(c.env));
    return c.json(
      {
        webhookIgnored: rows.map((r) => ({
          reason: r.reason,
          count: r.count,
          lastAt: new Date(r.lastAt).toISOString(),
        })),
      },
      200,
    );
  },
);
