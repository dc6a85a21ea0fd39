import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Config } from "../../config";
import { issueConnectLink } from "../../mailbox/connect-link";
import type { AppEnv } from "../context";
import { disconnectMailbox, loadMailbox } from "../mailbox-access";
import { limitBody } from "../middleware/body-limit";
import { isMember } from "../../db/members";
import { locationDb } from "../../db/database";
import { newRouter } from "../router";
import { type PageUser, verifyPageToken } from "../settings-page/page-token";
import { NOTICES, type NoticeKey, problemPage, settingsPage } from "../settings-page/view";

/**
 * Mounted at /connect: the hosted settings page for CRMs that do not build their own. Server-rendered, no
 * script. The page token (page-token.ts) is the credential and, carried in every form's body, the CSRF proof:
 * a cross-site page cannot know it. Origin / Sec-Fetch-Site are checked as well when the browser sends them.
 */
export const settingsPageRoutes = newRouter();

const FORM_BODY_LIMIT_BYTES = 8 * 1024;
const PageToken = z
  .string()
  .max(4096)
  .openapi({ description: "the page token minted by the CRM (README: Hosted settings page)" });
const PageQuery = z.object({
  token: PageToken.optional(),
  gmail: z.string().max(32).optional(),
  reason: z.string().max(64).optional(),
  done: z.string().max(32).optional(),
});
const PageForm = z.object({ token: PageToken.optional(), action: z.string().max(32).optional() });
const htmlContent = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });
const formBody = { content: { "application/x-www-form-urlencoded": { schema: PageForm } } };

/** The service's own origin: the callback's, where the connect cookie (R32) lives too. */
const ownOrigin = (config: Config) => new URL(config.OAUTH_REDIRECT_URL).origin;

function pageHeaders(config: Config): Record<string, string> {
  const google = new URL(config.GOOGLE_AUTH_URL).origin;
  return {
    // form-action covers the redirects after a submit too: Connect goes on to Google's consent page.
    "content-security-policy": `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${google}; frame-ancestors 'none'; base-uri 'none'`,
    "cache-control": "no-store",
    // The page token is in the URL: no Referer carries it to another origin. Not no-referrer: with it the
    // browser sends `Origin: null` on the page's own forms, which the cross-site check below must refuse.
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
  };
}

type PageContext = Context<AppEnv>;

async function pageUser(c: PageContext, token: string | undefined): Promise<PageUser | Response> {
  const problem = (status: 401 | 404, text: string) => c.html(problemPage(text), status, pageHeaders(c.var.config));
  const checked = token ? await verifyPageToken(c.var.config.API_JWT_SECRET, token, Date.now()) : null;
  if (!checked?.ok) {
    const expired = checked?.error === "expired";
    return problem(
      401,
      expired
        ? "This settings link has expired. Open the settings again from the CRM."
        : "This settings link is not valid. Open the settings again from the CRM.",
    );
  }
  const { locationId, userId } = checked.value;
  if (!(await isMember(await locationDb(c.env, locationId), locationId, userId)))
    return problem(404, "This user is not a member of this location.");
  return checked.value;
}

/** A form post from another site is refused even before its (unknowable) token would be. */
function crossSite(c: PageContext): boolean {
  const origin = c.req.header("origin");
  if (origin && origin !== ownOrigin(c.var.config)) return true;
  return c.req.header("sec-fetch-site") === "cross-site";
}

function noticeFrom(query: {
  gmail?: string | undefined;
  reason?: string | undefined;
  done?: string | undefined;
}): NoticeKey | null {
  if (query.done === "disconnected") return "disconnected";
  if (query.gmail === "connected") return "connected";
  if (query.gmail !== "error") return null;
  return query.reason && query.reason !== "connected" && query.reason !== "disconnected" && query.reason in NOTICES
    ? (query.reason as NoticeKey)
    : "failed";
}

const pageUrl = (config: Config, token: string, extra: Record<string, string> = {}) => {
  const url = new URL("/connect", ownOrigin(config));
  url.searchParams.set("token", token);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  return url.toString();
};

settingsPageRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Hosted settings page: the user's Gmail connection with Connect / Update email / Disconnect",
    request: { query: PageQuery },
    responses: {
      200: htmlContent("The page"),
      401: htmlContent("Token missing, invalid or expired"),
      404: htmlContent("Not a member"),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const user = await pageUser(c, query.token);
    if (user instanceof Response) return user;
    const mailbox = await loadMailbox(c.env, c.var.config, user.locationId, user.userId);
    return c.html(settingsPage(mailbox, query.token ?? "", noticeFrom(query)), 200, pageHeaders(c.var.config));
  },
);

/** A POST of one of the page's forms: same body limit, token form and refusals; only the 303 differs. */
function formRoute<P extends string>(path: P, summary: string, redirect: string) {
  return createRoute({
    method: "post",
    path,
    summary,
    middleware: [limitBody(FORM_BODY_LIMIT_BYTES)] as const,
    request: { body: formBody },
    responses: {
      303: { description: redirect },
      401: htmlContent("Bad token"),
      403: htmlContent("Cross-site"),
      404: htmlContent("Not a member"),
    },
  });
}

/** The form's sender, or the page that refuses it: a cross-site post (403), a bad token or a non-member. */
async function formUser(c: PageContext, token: string | undefined): Promise<PageUser | Response> {
  if (crossSite(c))
    return c.html(problemPage("This form can only be sent from its own page."), 403, pageHeaders(c.var.config));
  return pageUser(c, token);
}

settingsPageRoutes.openapi(
  formRoute(
    "/connect",
    "Hosted settings page: Connect or Update email; 303 to the connect link (R32), back to the page after",
    "To /oauth/google/start",
  ),
  async (c) => {
    const { token } = c.req.valid("form");
    const user = await formUser(c, token);
    if (user instanceof Response) return user;
    const returnTo = pageUrl(c.var.config, token ?? "");
    const link = await issueConnectLink(c.var.config, { ...user, returnTo }, Date.now());
    return c.redirect(link, 303);
  },
);

settingsPageRoutes.openapi(
  formRoute("/disconnect", "Hosted settings page: Disconnect (R5), then back to the page", "Back to the page"),
  async (c) => {
    const { token } = c.req.valid("form");
    const user = await formUser(c, token);
    if (user instanceof Response) return user;
    await disconnectMailbox(c.env, user.locationId, user.userId);
    return c.redirect(pageUrl(c.var.config, token ?? "", { done: "disconnected" }), 303);
  },
);
