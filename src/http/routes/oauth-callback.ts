import { createRoute, z } from "@hono/zod-openapi";
import { getCookie } from "hono/cookie";
import { directoryDb } from "../../db/database";
import { consumeStateId, isStateIdUsed } from "../../db/oauth-state-uses";
import { AppError } from "../../errors";
import { isSecureCallback } from "../../google/authorization-url";
import { bindingCookieName, clearBindingCookie, isBindingValid } from "../../google/browser-binding";
import { openState } from "../../google/oauth-state";
import { returnUrl } from "../../google/return-to";
import { completeConnect, type ConnectResult } from "../../mailbox/complete-connect";
import { tokenKeys } from "../../mailbox/grant-store";
import { log } from "../../log";
import { newRouter } from "../router";
import { errorResponses } from "../schemas/common";
import { CallbackQuery } from "../schemas/mailbox";

/** Mounted at /oauth/google. Google sends the browser here; no API token, the state is the credential. */
export const oauthCallbackRoutes = newRouter();

// The URL holds the one-time code: no caching, and no Referer carrying it to the next page.
const PRIVATE_HEADERS = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

const invalidState = (message: string) => new AppError("invalid_state", message);

function replayed(): AppError {
  log.warn("oauth_state_refused", { reason: "replayed" });
  return invalidState("This connect link was already used; start connecting again.");
}

oauthCallbackRoutes.openapi(
  createRoute({
    method: "get",
    path: "/callback",
    summary: "Google's OAuth redirect: finishes connecting and sends the browser back to returnTo",
    request: { query: CallbackQuery },
    responses: {
      302: { description: "Back to returnTo with gmail=connected or gmail=error&reason=<code>" },
      200: {
        description: "A short HTML page when there is no returnTo",
        content: { "text/html": { schema: z.string() } },
      },
      ...errorResponses(400),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const config = c.var.config;
    const now = Date.now();
    if (!query.state) throw invalidState("The state parameter is missing; start connecting again.");
    const checked = await openState(tokenKeys(config), query.state, now);
    if (!checked.ok) {
      log.warn("oauth_state_refused", { reason: checked.error });
      throw invalidState(
        checked.error === "expired"
          ? "This connect link expired (10 minutes); start connecting again."
          : "The state parameter is not one this service issued; start connecting again.",
      );
    }
    const state = checked.value;
    // R32: only the browser that opened the start URL holds the cookie. Refused before the state is spent,
    // so a link completed in the wrong browser does not burn the right browser's connect.
    const secure = isSecureCallback(config);
    const cookieName = bindingCookieName(state.id, secure);
    if (!(await isBindingValid(tokenKeys(config), state.id, getCookie(c, cookieName)))) {
      // The cookie is cleared once the state is spent: a replay from the same browser lands here too.
      if (await isStateIdUsed(directoryDb(c.env), state.id)) throw replayed();
      log.warn("oauth_state_refused", { reason: "other_browser" });
      throw invalidState("This connect was started in another browser; start connecting again from this one.");
    }
    const clearCookie = { "set-cookie": clearBindingCookie(cookieName, secure) };
    // Spent before anything else, so that a replay gets nothing, whatever became of the first use.
    if (!(await consumeStateId(directoryDb(c.env), state.id, state.expiresAt))) throw replayed();
    const result = await completeConnect(c.env, config, state, query, now);
    if (state.returnTo) return redirectWith(returnUrl(state.returnTo, result), clearCookie);
    return c.html(resultPage(result), 200, { ...PRIVATE_HEADERS, ...clearCookie });
  },
);

function redirectWith(location: string, extra: Record<string, string>): Response {
  return new Response(null, { status: 302, headers: { location, ...PRIVATE_HEADERS, ...extra } });
}

/** Our own fixed texts only: nothing from the request is echoed into the page. */
function resultPage(result: ConnectResult): string {
  const text = result.ok
    ? "Gmail is connected. You can close this window."
    : `Gmail could not be connected (${result.error}). Close this window and try again from the CRM.`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gmail connection</title></head><body><p>${text}</p></body></html>`;
}
