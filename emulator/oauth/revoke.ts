import { Hono } from "hono";
import type { EmulatorState } from "../state/store";
import { oauthError } from "./errors";
import { revokeGrant } from "./tokens";

/** https://oauth2.googleapis.com/revoke: takes an access or refresh token and ends the whole grant. */
export function revokeRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  app.post("/revoke", async (c) => {
    const url = new URL(c.req.url);
    const body = new URLSearchParams(await c.req.text());
    const token = url.searchParams.get("token") ?? body.get("token");
    if (!token) return oauthError(400, "invalid_request", "Missing required parameter: token");
    const access = state.accessTokens.get(token);
    const key = access ? `${access.email} ${access.clientId}` : state.refreshTokens.get(token);
    const grant = key ? state.grants.get(key) : undefined;
    if (!grant) return oauthError(400, "invalid_token", "Token expired or revoked");
    revokeGrant(state, grant);
    return new Response("{}", { status: 200, headers: { "Content-Type": "application/json; charset=utf-8" } });
  });
  return app;
}
