import { Hono } from "hono";
import type { EmulatorState } from "../state/store";
import { consentPage } from "./consent-page";
import { decideConsent } from "./consent";
import { oauthErrorPage } from "./errors";
import { parseAuthRequest } from "./request";
import { isBasicScope } from "./scopes";

/** The authorization endpoint: the consent page, and the form it posts back. */
export function authorizeRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.get("/o/oauth2/v2/auth", (c) => {
    const url = new URL(c.req.url);
    const parsed = parseAuthRequest(state, url.searchParams);
    if (!parsed.ok)
      return "page" in parsed
        ? oauthErrorPage(parsed.page.status, parsed.page.error, parsed.page.description)
        : c.redirect(parsed.redirect, 302);
    return consentPage(
      parsed.request,
      url.search.slice(1),
      [...state.accounts.values()],
      state.options.autoCreateAccounts,
    );
  });

  app.post("/o/oauth2/v2/auth/consent", async (c) => {
    const form = await c.req.parseBody({ all: true });
    const parsed = parseAuthRequest(state, new URLSearchParams(String(form.query ?? "")));
    if (!parsed.ok)
      return "page" in parsed
        ? oauthErrorPage(parsed.page.status, parsed.page.error, parsed.page.description)
        : c.redirect(parsed.redirect, 302);
    const typed = String(form.newAccount ?? "").trim();
    const account = typed || String(form.account ?? "");
    // A person who clicked Allow without picking or typing an address gets the page again, not an account "".
    if (form.decision === "allow" && !/^[^@\s]+@[^@\s]+$/.test(account)) {
      const again = "Choose an account or type an email address.";
      return consentPage(
        parsed.request,
        String(form.query ?? ""),
        [...state.accounts.values()],
        state.options.autoCreateAccounts,
        again,
      );
    }
    const ticked = [form.scope ?? []].flat().map(String);
    const result = decideConsent(state, parsed.request, {
      account,
      decision: form.decision === "allow" ? "allow" : "deny",
      grantScopes: [...ticked, ...parsed.request.scopes.filter(isBasicScope)],
    });
    if (!result.ok) return oauthErrorPage(result.status, "account_not_found", result.message);
    return c.redirect(result.redirectUrl, 302);
  });

  return app;
}
