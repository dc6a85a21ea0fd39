import { Hono } from "hono";
import { decideConsent } from "../oauth/consent";
import { parseAuthRequest } from "../oauth/request";
import type { EmulatorState } from "../state/store";
import { controlError, readInput } from "./input";
import { ClientInput, ConsentInput } from "./schemas";

/** OAuth controls: consent without a browser, client registration, key rotation. */
export function oauthControlRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  /**
   * What the browser would be redirected to after the user answers the consent screen for this
   * authorization URL. A request Google would refuse outright answers 400 with the error Google would show.
   */
  app.post("/oauth/consent", async (c) => {
    const input = await readInput(c, ConsentInput);
    if (!input.ok) return input.response;
    const url = new URL(input.data.authorizationUrl);
    const parsed = parseAuthRequest(state, url.searchParams);
    if (!parsed.ok) {
      if ("redirect" in parsed) return c.json({ redirectUrl: parsed.redirect });
      return c.json({ error: parsed.page.error, error_description: parsed.page.description }, 400);
    }
    const result = decideConsent(state, parsed.request, {
      account: input.data.account,
      decision: input.data.decision,
      ...(input.data.grantScopes ? { grantScopes: input.data.grantScopes } : {}),
    });
    if (!result.ok) return controlError(result.status, result.message);
    return c.json({ redirectUrl: result.redirectUrl });
  });

  app.post("/clients", async (c) => {
    const input = await readInput(c, ClientInput);
    if (!input.ok) return input.response;
    state.clients.set(input.data.clientId, input.data);
    return c.json({ clientId: input.data.clientId });
  });

  /** Test hook: any claims signed with Google's current key (push-token and ID-token security tests). */
  app.post("/keys/sign", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { claims?: unknown };
    if (typeof body.claims !== "object" || body.claims === null) return controlError(400, "claims must be an object");
    return c.json({ token: await state.keys.sign(body.claims as Record<string, unknown>) });
  });

  app.post("/keys/rotate", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { dropOld?: unknown };
    const kid = await state.keys.rotate(body.dropOld === true);
    return c.json({ kid, jwks: await state.keys.jwks() });
  });

  return app;
}
