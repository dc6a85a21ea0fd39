import { Hono } from "hono";
import type { EmulatorState } from "../state/store";

/** Google serves its JWKS with a cache lifetime of a few hours; verifiers must still re-fetch on an unknown kid. */
export const CERTS_MAX_AGE_S = 19_800;

export function certsRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  app.get("/oauth2/v3/certs", async () => {
    const jwks = await state.keys.jwks();
    return new Response(JSON.stringify(jwks, null, 2), {
      status: 200,
      headers: {
        "Content-Type": "application/json; charset=UTF-8",
        "Cache-Control": `public, max-age=${CERTS_MAX_AGE_S}, must-revalidate, no-transform`,
        Expires: new Date(state.clock.base() + CERTS_MAX_AGE_S * 1000).toUTCString(),
      },
    });
  });
  return app;
}
