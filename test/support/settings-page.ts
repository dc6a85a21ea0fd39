/**
 * The hosted settings page as a browser uses it: a page token minted as the CRM would (README: "Hosted
 * settings page"), the page opened and its forms posted through a TestBrowser (R32's cookie included).
 */
import { PAGE_TOKEN_AUDIENCE } from "../../src/http/settings-page/page-token";
import { BASE_URL, signToken } from "./api";
import type { TestBrowser } from "./browser";

export function pageToken(
  locationId: string,
  userId: string,
  options: { expiresIn?: string | number; secret?: string } = {},
) {
  return signToken(
    { aud: PAGE_TOKEN_AUDIENCE, loc: locationId, sub: userId },
    { expiresIn: options.expiresIn ?? "15m", ...options },
  );
}

export const pageUrl = (token: string) => `${BASE_URL}/connect?token=${encodeURIComponent(token)}`;

/** A form post from the page itself (same origin), as the browser sends it. */
export function postForm(
  browser: TestBrowser,
  path: string,
  fields: Record<string, string>,
  origin = BASE_URL,
): Promise<Response> {
  return browser.open(`${BASE_URL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin },
    body: new URLSearchParams(fields).toString(),
  });
}
