import { describe, expect, it } from "vitest";
import { TestBrowser } from "../support/browser";
import { followCallback, getMailbox, openConnectLink, provisionMember } from "../support/connect";
import { consent, createAccount, uniqueEmail } from "../support/google";
import { pageToken, pageUrl, postForm } from "../support/settings-page";

/** Connect / Update email / Disconnect from the hosted page, through R32's start URL, back on the page. */
async function connectFromPage(browser: TestBrowser, token: string, account: string): Promise<string> {
  const posted = await postForm(browser, "/connect/connect", { token });
  expect(posted.status).toBe(303);
  const link = posted.headers.get("location") ?? "";
  expect(new URL(link).pathname).toBe("/oauth/google/start");
  const callback = await consent(await openConnectLink(link, browser), account);
  const answer = await followCallback(callback, browser);
  expect(answer.status).toBe(302);
  return answer.location ?? "";
}

describe("hosted settings page (GET /connect)", () => {
  it("shows status, address, last sync, send quota and parked count, with Connect, as a no-script page with a CSP", async () => {
    const { locationId, userId } = await provisionMember();
    const res = await new TestBrowser().open(pageUrl(await pageToken(locationId, userId)));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' http://google.test; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    const page = await res.text();
    expect(page).not.toContain("<script");
    expect(page).toContain('data-status="not_connected"');
    expect(page).toMatch(/id="address">none</);
    expect(page).toMatch(/id="last-sync">never</);
    expect(page).toMatch(/id="send-quota">0 of 500 \(500 left\)</);
    expect(page).toMatch(/id="parked">0</);
    expect(page).toContain('<form method="post" action="/connect/connect">');
    expect(page).toContain(">Connect Gmail</button>");
    expect(page).not.toContain("Disconnect");
  });

  it("Connect goes through the connect link (R32) and lands back on the page, connected; Update email replaces the address (R4)", async () => {
    const { locationId, userId } = await provisionMember();
    const token = await pageToken(locationId, userId);
    const browser = new TestBrowser();
    const first = uniqueEmail("page-owner");
    await createAccount(first);
    const back = await connectFromPage(browser, token, first);
    expect(back).toBe(`${pageUrl(token)}&gmail=connected`);
    const page = await (await browser.open(back)).text();
    expect(page).toContain("Gmail is connected.");
    expect(page).toContain('data-status="active"');
    expect(page).toContain(`id="address">${first}<`);
    expect(page).toContain(">Update email</button>");
    expect(page).toContain(">Disconnect</button>");
    expect((await getMailbox(locationId, userId)).status).toBe("active");

    const second = uniqueEmail("page-new");
    await createAccount(second);
    const again = await connectFromPage(browser, token, second);
    expect(again).toContain("gmail=connected");
    expect((await getMailbox(locationId, userId)).emailAddress).toBe(second);
    expect(await (await browser.open(again)).text()).toContain(`id="address">${second}<`);
  });

  it("Disconnect ends the connection (R5) and the page says so; a refused consent comes back as a notice", async () => {
    const { locationId, userId } = await provisionMember();
    const token = await pageToken(locationId, userId);
    const browser = new TestBrowser();
    const account = uniqueEmail("page-bye");
    await createAccount(account);
    await connectFromPage(browser, token, account);

    const posted = await postForm(browser, "/connect/disconnect", { token });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe(`${pageUrl(token)}&done=disconnected`);
    const page = await (await browser.open(posted.headers.get("location") ?? "")).text();
    expect(page).toContain("Gmail is disconnected.");
    expect(page).toContain('data-status="disconnected"');
    expect(page).toContain(">Connect Gmail</button>");
    expect((await getMailbox(locationId, userId)).status).toBe("disconnected");

    const link = (await postForm(browser, "/connect/connect", { token })).headers.get("location") ?? "";
    const denied = await followCallback(
      await consent(await openConnectLink(link, browser), account, { decision: "deny" }),
      browser,
    );
    expect(denied.location).toBe(`${pageUrl(token)}&gmail=error&reason=access_denied`);
    expect(await (await browser.open(denied.location ?? "")).text()).toContain(
      "Connecting was cancelled on Google&#39;s page.",
    );
  });
});
