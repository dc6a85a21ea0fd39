import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  bindingCookie,
  bindingCookieName,
  clearBindingCookie,
  setBindingCookie,
} from "../../src/google/browser-binding";
import { issueState, openState, STATE_TTL_MS } from "../../src/google/oauth-state";
import { newCodeVerifier } from "../../src/google/pkce";
import { TestBrowser } from "../support/browser";
import {
  followCallback,
  getMailbox,
  mailboxStatus,
  openConnectLink,
  provisionMember,
  requestConnectLink,
  RETURN_TO,
} from "../support/connect";
import { consent, createAccount, PRODUCT_SCOPES, readMailbox, uniqueEmail } from "../support/google";

const KEYS = { current: String(env.TOKEN_ENCRYPTION_KEY) };
const START = "http://service.test/oauth/google/start";

async function expectInvalidState(res: Response) {
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: { code: "invalid_state", message: expect.any(String) } });
  expect(res.headers.get("set-cookie")).toBeNull();
  expect(res.headers.get("location")).toBeNull();
}

describe("R32: a connect link works only in the browser that opened it", () => {
  it("R32: authorizationUrl is the service's start URL; it sets an HttpOnly SameSite=Lax cookie and 302s to Google with R1's parameters", async () => {
    const { locationId, userId } = await provisionMember();
    const link = new URL(await requestConnectLink(locationId, userId));
    expect(link.origin + link.pathname).toBe(START);
    expect([...link.searchParams.keys()]).toEqual(["s"]);

    const browser = new TestBrowser();
    const res = await browser.open(link.toString());
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const google = new URL(res.headers.get("location") ?? "");
    expect(google.origin + google.pathname).toBe("http://google.test/o/oauth2/v2/auth");
    const q = google.searchParams;
    expect(q.get("scope")?.split(" ").sort()).toEqual([...PRODUCT_SCOPES].sort());
    expect([q.get("access_type"), q.get("prompt"), q.get("response_type"), q.get("code_challenge_method")]).toEqual([
      "offline",
      "consent",
      "code",
      "S256",
    ]);
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("redirect_uri")).toBe("http://service.test/oauth/google/callback");
    expect(q.get("state")).toBe(link.searchParams.get("s"));

    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^gmail_connect_[0-9a-f-]{36}=[A-Za-z0-9_-]{43}; /);
    const attributes = cookie.split("; ").slice(1);
    expect(attributes).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax"]));
    const maxAge = Number(attributes.find((a) => a.startsWith("Max-Age="))?.slice(8));
    expect(maxAge).toBeGreaterThan(STATE_TTL_MS / 1000 - 30);
    expect(maxAge).toBeLessThanOrEqual(STATE_TTL_MS / 1000);
  });

  it("R32: a connect link completed in a second browser is 400 invalid_state and connects nothing", async () => {
    const { locationId, userId } = await provisionMember();
    const account = uniqueEmail("r32-victim");
    await createAccount(account);
    const opener = new TestBrowser();
    const googleUrl = await openConnectLink(await requestConnectLink(locationId, userId), opener);

    // The opener passes Google's URL on; someone else consents and lands on the callback in their browser.
    const other = new TestBrowser();
    const callback = await consent(googleUrl, account);
    const answer = await followCallback(callback, other);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: "invalid_state", message: expect.stringMatching(/another browser/) },
    });
    expect(answer.location).toBeNull();
    expect((await mailboxStatus(account)).status).toBe("not_connected");
    expect((await getMailbox(locationId, userId)).status).toBe("not_connected");
    expect((await readMailbox(account)).watch).toBeNull();
    // Nor can the second browser pick up a start URL the first already opened: the link is spent.
    const link = await requestConnectLink(locationId, userId);
    await openConnectLink(link, opener);
    await expectInvalidState(await other.open(link));
  });

  it("R32: a start URL opens once; a second opening, even in the same browser, is 400 invalid_state", async () => {
    const { locationId, userId } = await provisionMember();
    const link = await requestConnectLink(locationId, userId);
    const browser = new TestBrowser();
    expect((await browser.open(link)).status).toBe(302);
    await expectInvalidState(await browser.open(link));
    await expectInvalidState(await new TestBrowser().open(link));
  });

  it("R32: a missing, unknown, tampered, foreign-key or expired s is 400 invalid_state and sets no cookie", async () => {
    const { locationId, userId } = await provisionMember();
    const input = { locationId, userId, returnTo: RETURN_TO, codeVerifier: newCodeVerifier() };
    const real = new URL(await requestConnectLink(locationId, userId)).searchParams.get("s") ?? "";
    const parts = real.split(".");
    const tampered = [
      parts[0],
      parts[1],
      parts[2],
      `${parts[3]?.startsWith("A") ? "B" : "A"}${parts[3]?.slice(1)}`,
      parts[4],
    ].join(".");
    const otherKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const foreign = (await issueState({ current: otherKey }, input, Date.now())).token;
    const expired = (await issueState(KEYS, input, Date.now() - STATE_TTL_MS - 1000)).token;
    const browser = new TestBrowser();
    await expectInvalidState(await browser.open(START));
    for (const s of ["not-a-state", tampered, foreign, expired])
      await expectInvalidState(await browser.open(`${START}?s=${encodeURIComponent(s)}`));
    expect(browser.cookieNames()).toEqual([]);
    // The genuine link was not burned by the forgeries.
    expect((await browser.open(`${START}?s=${encodeURIComponent(real)}`)).status).toBe(302);
  });

  it("R32: another connect's cookie, or a forged value under the right name, does not count", async () => {
    const account = uniqueEmail("r32-swap");
    await createAccount(account);
    const mine = await provisionMember();
    const browser = new TestBrowser();
    await openConnectLink(await requestConnectLink(mine.locationId, mine.userId), browser);

    const other = await provisionMember();
    const state = new URL(
      await openConnectLink(await requestConnectLink(other.locationId, other.userId), new TestBrowser()),
    );
    const callback = await consent(state.toString(), account);
    const opened = await openState(KEYS, state.searchParams.get("state") ?? "", Date.now());
    if (!opened.ok) throw new Error("state did not open");
    browser.setCookie(bindingCookieName(opened.value.id, false), "A".repeat(43));
    const answer = await followCallback(callback, browser);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "invalid_state" } });
    expect((await mailboxStatus(account)).status).toBe("not_connected");
  });

  it("R32: the browser that opened the link connects, the cookie is cleared, and a replay is 400 invalid_state", async () => {
    const account = uniqueEmail("r32-owner");
    await createAccount(account);
    const { locationId, userId } = await provisionMember();
    const browser = new TestBrowser();
    const callback = await consent(
      await openConnectLink(await requestConnectLink(locationId, userId), browser),
      account,
    );
    expect(browser.cookieNames()).toHaveLength(1);
    const answer = await followCallback(callback, browser);
    expect(answer.gmail).toBe("connected");
    expect(browser.cookieNames()).toEqual([]);
    expect((await getMailbox(locationId, userId)).status).toBe("active");
    const replay = await followCallback(callback, browser);
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.body)).toEqual({
      error: { code: "invalid_state", message: expect.stringMatching(/already used/) },
    });
  });

  it("R32: over https the cookie is __Host- prefixed and Secure; clearing sets Max-Age=0", async () => {
    const cookie = await bindingCookie(KEYS, "3f1c2a4e-0000-4000-8000-000000000000", true);
    expect(cookie.name).toBe("__Host-gmail_connect_3f1c2a4e-0000-4000-8000-000000000000");
    expect(setBindingCookie(cookie, 600, true)).toBe(
      `${cookie.name}=${cookie.value}; Max-Age=600; Path=/; HttpOnly; SameSite=Lax; Secure`,
    );
    expect(clearBindingCookie(cookie.name, true)).toBe(
      `${cookie.name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure`,
    );
  });
});
