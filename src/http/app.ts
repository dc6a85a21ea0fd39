import type { OpenAPIHono } from "@hono/zod-openapi";
import { loadConfig } from "../config";
import { AppError, errorResponse } from "../errors";
import { allowedMethods } from "./allowed-methods";
import type { AppEnv } from "./context";
import { handleError } from "./error-handler";
import { authenticate, requireLocationAccess } from "./middleware/auth";
import { requireLocation } from "./middleware/location";
import { newRouter } from "./router";
import { adminRoutes } from "./routes/admin";
import { contactRoutes } from "./routes/contacts";
import { conversationRoutes } from "./routes/conversations";
import { docsRoutes } from "./routes/docs";
import { locationRoutes } from "./routes/locations";
import { mailboxRoutes } from "./routes/mailbox";
import { memberRoutes } from "./routes/members";
import { messageRoutes } from "./routes/messages";
import { sendRoutes } from "./routes/messages-send";
import { settingsPageRoutes } from "./routes/settings-page";
import { syncProofRoutes } from "./routes/sync-proof";
import { metaRoutes } from "./routes/meta";
import { unlogRoutes } from "./routes/messages-unlog";
import { oauthCallbackRoutes } from "./routes/oauth-callback";
import { oauthStartRoutes } from "./routes/oauth-start";
import { privacyRoutes } from "./routes/privacy";
import { userPrivacyRoutes } from "./routes/user-privacy";
import { userRoutes } from "./routes/users";
import { webhookRoutes } from "./routes/webhook";
import { webhookSubscriptionRoutes } from "./routes/webhooks";
import { eventRoutes } from "./routes/events";

export type { AppEnv } from "./context";

const LOCATION = "/v1/locations/:locationId";

export function createApp(): OpenAPIHono<AppEnv> {
  const app = newRouter();

  // Fail closed: a missing or malformed setting answers 500 `misconfigured` on every route.
  app.use("*", async (c, next) => {
    c.set("config", loadConfig(c.env));
    await next();
  });
  // Order matters: who is calling (401), may they touch this location (403), does it exist (404); then
  // each route's body limit (413) and validation (400), so a stranger learns nothing about a location.
  app.use("/v1/*", authenticate);
  app.use(`${LOCATION}/*`, requireLocationAccess);
  app.use(`${LOCATION}/:group/*`, requireLocation);

  app.route("/", metaRoutes);
  app.route("/", docsRoutes);
  app.route("/webhooks", webhookRoutes);
  app.route("/v1/users", userRoutes);
  app.route("/v1/admin", adminRoutes);
  app.route("/v1/locations", locationRoutes);
  app.route(`${LOCATION}/members`, memberRoutes);
  app.route(`${LOCATION}/contacts`, contactRoutes);
  app.route(`${LOCATION}/conversations`, conversationRoutes);
  app.route(`${LOCATION}/messages`, messageRoutes);
  app.route(`${LOCATION}/messages`, sendRoutes);
  app.route(`${LOCATION}/messages`, unlogRoutes);
  app.route(`${LOCATION}/users`, mailboxRoutes);
  app.route(`${LOCATION}/webhooks`, webhookSubscriptionRoutes);
  app.route(`${LOCATION}/events`, eventRoutes);
  app.route(`${LOCATION}/users`, syncProofRoutes);
  app.route(`${LOCATION}/users`, userPrivacyRoutes);
  app.route(`${LOCATION}/privacy`, privacyRoutes);
  app.route("/oauth/google", oauthStartRoutes);
  app.route("/oauth/google", oauthCallbackRoutes);
  app.route("/connect", settingsPageRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: 'HS256 JWT signed with API_JWT_SECRET; exp required; role "admin" or loc "<locationId>".',
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "crm-gmail-sync",
      version: "1.0.0",
      description: "Gmail two-way sync for the CRM: the API of docs/api.md.",
    },
  });

  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length > 0) {
      return errorResponse(
        new AppError(
          "method_not_allowed",
          `${c.req.method} is not allowed here; use ${allow.join(", ")}.`,
          { allow },
          {
            Allow: allow.join(", "),
          },
        ),
      );
    }
    return errorResponse(new AppError("not_found", "No such route."));
  });
  app.onError(handleError);
  return app;
}
