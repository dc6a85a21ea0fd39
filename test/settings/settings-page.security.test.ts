import { describe, expect, it } from "vitest";
import { settingsPage } from "../../src/http/settings-page/view";
import type { MailboxView } from "../../src/http/schemas/mailbox";
import { api, fetchApi, locationToken, signToken } from "../support/api";
import { TestBrowser } from "../support/browser";
import { connectMailbox, getMailbox, provisionMember } from "../support/connect";
import { uniqueEmail } from "../support/google";
import { pageToken, pageUrl, postForm } from "../support/settings-page";

async function expectProblem(res: Response, status: number, text: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
  const page = await res.text();
  expect(page).toMatch(text);
  return page;
}

describe("hosted settings page: who may open it and post its forms", () => {
  it("a missing, forged, expired, over-long, other-secret or API token opens nothing (401), and nothing of it is echoed", async () => {
    const { locationId, userId } = await provisionMember();
    const browser = new TestBrowser();
    const now = Math.floor(Date.now() / 1000);
    const tokens = [
      await pageToken(locationId, userId, { secret: "another-secret-0123456789abcdef-xyz" }),
      await locationToken(locationId),
      await signToken({ aud: "crm-gmail-sync/settings", loc: locationId, sub: userId }, { expiresIn: "2h" }),
      await signToken({ aud: "crm-gmail-sync/settings", loc: locationId }),
      "<script>alert(1)</script>",
    ];
    await expectProblem(await browser.open("http://service.test/connect"), 401, /not valid/);
    for (const token of tokens) {
      const page = await expectProblem(await browser.open(pageUrl(token)), 401, /not valid/);
      expect(page).not.toContain(token);
    }
    const expired = await signToken(
      { aud: "crm-gmail-sync/settings", loc: locationId, sub: userId, iat: now - 600 },
      { expiresIn: now - 60 },
    );
    await expectProblem(await browser.open(pageUrl(expired)), 401, /expired/);
  });

  it("a page token is not an API token: the API answers 401 to it", async () => {
    const { locationId, userId } = await provisionMember();
    const res = await api("GET", `/v1/locations/${locationId}/users/${userId}/mailbox`, {
      token: await pageToken(locationId, userId),
    });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("a user who is not a member of the token's location gets 404 and no page", async () => {
    const { locationId } = await provisionMember();
    await expectProblem(
      await new TestBrowser().open(pageUrl(await pageToken(locationId, "not-a-member"))),
      404,
      /not a member/,
    );
  });

  it("CSRF: a cross-site post (Origin or Sec-Fetch-Site) or one without the page token changes nothing", async () => {
    const account = uniqueEmail("page-csrf");
    const { locationId, userId } = await connectMailbox({ account });
    const token = await pageToken(locationId, userId);
    const browser = new TestBrowser();
    await expectProblem(
      await postForm(browser, "/connect/disconnect", { token }, "https://evil.example"),
      403,
      /own page/,
    );
    const sneaky = await browser.open("http://service.test/connect/disconnect", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" },
      body: new URLSearchParams({ token }).toString(),
    });
    await expectProblem(sneaky, 403, /own page/);
    await expectProblem(await postForm(browser, "/connect/disconnect", {}), 401, /not valid/);
    await expectProblem(await postForm(browser, "/connect/connect", { token: "forged" }), 401, /not valid/);
    expect((await getMailbox(locationId, userId)).status).toBe("active");
  });

  it("a notice comes from our own list only: an unknown reason shows the generic text, never the query", async () => {
    const { locationId, userId } = await provisionMember();
    const url = `${pageUrl(await pageToken(locationId, userId))}&gmail=error&reason=${encodeURIComponent("<img src=x onerror=alert(1)>")}`;
    const page = await (await new TestBrowser().open(url)).text();
    expect(page).toContain("Gmail could not be connected; try again.");
    expect(page).not.toContain("onerror");
  });

  it("everything shown is escaped (an address that looks like markup stays text)", async () => {
    const hostile = '"><script>alert(1)</script>@evil.example';
    const mailbox: MailboxView = {
      status: "active",
      emailAddress: hostile,
      connectedAt: null,
      lastSyncedAt: "2026-12-04T10:00:00.000Z",
      watchExpiresAt: null,
      sendQuota: { limit: 500, used: 3, remaining: 497, nextAvailableAt: null },
      parkedMessages: 2,
      watchRenewal: { state: "ok", failures: 0, lastError: null },
    };
    const page = String(await settingsPage(mailbox, 'tok"en<', null));
    expect(page).not.toContain("<script>");
    expect(page).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@evil.example");
    expect(page).toContain('value="tok&quot;en&lt;"');
    expect(page).toMatch(/id="send-quota">3 of 500 \(497 left\)</);
    expect(page).toMatch(/id="parked">2</);
    expect(page).toContain('<time datetime="2026-12-04T10:00:00.000Z">2026-12-04 10:00:00 UTC</time>');
  });

  it("GET /docs is Swagger UI over /openapi.json from our own origin, with a CSP, and /openapi.json lists the page and start routes", async () => {
    const res = await fetchApi("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const page = await res.text();
    expect(page).toContain('<script src="/docs/swagger-ui-bundle.js"></script>');
    expect(page).toContain('<script src="/docs/init.js"></script>');
    expect(page).not.toMatch(/https?:\/\//);
    const doc = (await (await fetchApi("GET", "/openapi.json")).json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/docs", "/connect", "/connect/connect", "/connect/disconnect", "/oauth/google/start"]),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
