import { createRoute, z } from "@hono/zod-openapi";
import { directoryDb } from "../../db/database";
import { consumeStateId } from "../../db/oauth-state-uses";
import { AppError } from "../../errors";
import { buildAuthorizationUrl, isSecureCallback } from "../../google/authorization-url";
import { bindingCookie, setBindingCookie } from "../../google/browser-binding";
import { openState } from "../../google/oauth-state";
import { codeChallengeS256 } from "../../google/pkce";
import { tokenKeys } from "../../mailbox/grant-store";
import { log } from "../../log";
import { newRouter } from "../router";
import { errorResponses } from "../schemas/common";

/** Mounted at /oauth/google. R32: the browser that opens this URL is the only one whose callback counts. */
export const oauthStartRoutes = newRouter();

const StartQuery = z.object({ s: z.string().max(4096).optional() });

/** The state's start is recorded beside its callback use, under its own key, so each happens once. */
const startUseId = (stateId: string) => `${stateId}:start`;

oauthStartRoutes.openapi(
  createRoute({
    method: "get",
    path: "/start",
    summary: "The connect link (authorizationUrl): binds the connect to this browser, then on to Google (R32)",
    request: { query: StartQuery },
    responses: {
      302: { description: "To Google's authorization URL; sets the HttpOnly cookie the callback requires" },
      ...errorResponses(400),
    },
  }),
  async (c) => {
    const { s } = c.req.valid("query");
    const config = c.var.config;
    const keys = tokenKeys(config);
    const now = Date.now();
    const checked = s ? await openState(keys, s, now) : ({ ok: false, error: "missing" } as const);
    if (!s || !checked.ok) {
      log.warn("oauth_start_refused", { reason: checked.ok ? "missing" : checked.error });
      throw new AppError("invalid_state", "This connect link is not valid or has expired; start connecting again.");
    }
    const state = checked.value;
    // Once only: a link opened once (by its user, or by a preview bot) can't bind a second browser later.
    if (!(await consumeStateId(directoryDb(c.env), startUseId(state.id), state.expiresAt))) {
      log.warn("oauth_start_refused", { reason: "replayed" });
      throw new AppError("invalid_state", "This connect link was already opened; start connecting again.");
    }
    const secure = isSecureCallback(config);
    const cookie = await bindingCookie(keys, state.id, secure);
    const maxAgeSeconds = Math.max(1, Math.floor((state.expiresAt - now) / 1000));
    const location = buildAuthorizationUrl(config, {
      state: s,
      codeChallenge: await codeChallengeS256(state.codeVerifier),
    });
    return new Response(null, {
      status: 302,
      headers: {
        location,
        "set-cookie": setBindingCookie(cookie, maxAgeSeconds, secure),
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
      },
    });
  },
);
