import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bindingCookie } from "../../src/google/browser-binding";
import { issueState, STATE_TTL_MS } from "../../src/google/oauth-state";
import { newCodeVerifier } from "../../src/google/pkce";
import { api, locationToken } from "../support/api";
import { defaultBrowser } from "../support/browser";
import {
  followCallback,
  getMailbox,
  mailboxStatus,
  provisionMember,
  RETURN_TO,
  startConnect,
} from "../support/connect";
import { consent, createAccount, readMailbox, uniqueEmail } from "../support/google";

const KEYS = { current: String(env.TOKEN_ENCRYPTION_KEY) };
const CALLBACK = "http://service.test/oauth/google/callback";

/** Consent for a fresh account on a real authorization URL: the callback URL Google would send back. */
async function consentedCallback(locationId: string, userId: string, account = uniqueEmail("sec")) {
  await createAccount(account);
  const url = await startConnect(locationId, userId);
  return { account, callback: new URL(await consent(url, account)) };
}

function withParam(url: URL, name: string, value: string): string {
  const copy = new URL(url);
  copy.searchParams.set(name, value);
  return copy.toString();
}

async function expectInvalidState(callbackUrl: string, message: RegExp) {
  const answer = await followCallback(callbackUrl);
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toEqual({
    error: { code: "invalid_state", message: expect.stringMatching(message) },
  });
  expect(answer.location).toBeNull();
}

describe("OAuth state: signed, encrypted, single use, 10 minutes", () => {
  it("a callback without state is 400 invalid_state", async () => {
    await expectInvalidState(`${CALLBACK}?code=abc`, /missing/);
  });

  it("a forged state (garbage, tampered, or sealed with another key) is 400 invalid_state and connects nothing", async () => {
    const { locationId, userId } = await provisionMember();
    const { account, callback } = await consentedCallback(locationId, userId);
    const real = callback.searchParams.get("state") ?? "";
    const parts = real.split(".");
    const flipped = parts[3]?.startsWith("A") ? `B${parts[3].slice(1)}` : `A${parts[3]?.slice(1) ?? ""}`;
    const tampered = [parts[0], parts[1], parts[2], flipped, parts[4]].join(".");
    const otherKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const foreign = (
      await issueState(
        { current: otherKey },
        { locationId, userId, returnTo: RETURN_TO, codeVerifier: newCodeVerifier() },
        Date.now(),
      )
    ).token;

    for (const state of ["not-a-state", tampered, foreign])
      await expectInvalidState(withParam(callback, "state", state), /not one this service issued/);
    expect((await mailboxStatus(account)).status).toBe("not_connected");
    // The genuine state is still unspent: the forgeries did not burn it.
    expect((await followCallback(callback.toString())).gmail).toBe("connected");
  });

  it("an expired state (over 10 minutes) is 400 invalid_state", async () => {
    const { locationId, userId } = await provisionMember();
    const { account, callback } = await consentedCallback(locationId, userId);
    const old = await issueState(
      KEYS,
      { locationId, userId, returnTo: RETURN_TO, codeVerifier: newCodeVerifier() },
      Date.now() - STATE_TTL_MS - 1000,
    );
    await expectInvalidState(withParam(callback, "state", old.token), /expired/);
    expect((await mailboxStatus(account)).status).toBe("not_connected");
  });

  it("a replayed state is 400 invalid_state, after a success and after a refusal alike", async () => {
    const { locationId, userId } = await provisionMember();
    const { callback } = await consentedCallback(locationId, userId);
    expect((await followCallback(callback.toString())).gmail).toBe("connected");
    await expectInvalidState(callback.toString(), /already used/);

    const denied = await provisionMember();
    const url = await startConnect(denied.locationId, denied.userId);
    const account = uniqueEmail("sec-deny");
    await createAccount(account);
    const refused = await consent(url, account, { decision: "deny" });
    expect((await followCallback(refused)).reason).toBe("access_denied");
    await expectInvalidState(refused, /already used/);
  });

  it("a state binds its location: it connects there only, and another location's token cannot start one", async () => {
    const a = await provisionMember();
    const b = await provisionMember({ userId: a.userId });
    const { account, callback } = await consentedCallback(a.locationId, a.userId);
    expect((await followCallback(callback.toString())).gmail).toBe("connected");
    expect((await getMailbox(a.locationId, a.userId)).status).toBe("active");
    expect((await getMailbox(b.locationId, a.userId)).status).toBe("not_connected");
    expect((await mailboxStatus(account)).connections.map((c) => c.locationId)).toEqual([a.locationId]);

    const res = await api("POST", `/v1/locations/${a.locationId}/users/${a.userId}/mailbox/connect`, {
      token: await locationToken(b.locationId),
      body: {},
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: "forbidden" } });
  });

  it("a wrong PKCE verifier makes Google refuse the code: reason=google_error, nothing connected", async () => {
    const { locationId, userId } = await provisionMember();
    const { account, callback } = await consentedCallback(locationId, userId);
    const swapped = await issueState(
      KEYS,
      { locationId, userId, returnTo: RETURN_TO, codeVerifier: newCodeVerifier() },
      Date.now(),
    );
    // This test is about PKCE, not R32: the browser holds the swapped state's binding cookie.
    const cookie = await bindingCookie(KEYS, swapped.state.id, false);
    defaultBrowser.setCookie(cookie.name, cookie.value);
    const answer = await followCallback(withParam(callback, "state", swapped.token));
    expect(answer.status).toBe(302);
    expect(answer.reason).toBe("google_error");
    expect((await mailboxStatus(account)).status).toBe("not_connected");
    expect((await readMailbox(account)).watch).toBeNull();
  });

  it("an iss other than https://accounts.google.com is refused before the code is used", async () => {
    const { locationId, userId } = await provisionMember();
    const { account, callback } = await consentedCallback(locationId, userId);
    const answer = await followCallback(withParam(callback, "iss", "https://evil.example"));
    expect(answer.reason).toBe("google_error");
    expect((await mailboxStatus(account)).status).toBe("not_connected");
  });

  it.each([
    ["another origin", "https://evil.example/settings"],
    ["a look-alike host", "https://app.crm.test.evil.example/settings"],
    ["another port", "https://app.crm.test:8443/settings"],
    ["another scheme", "http://app.crm.test/settings"],
    ["a javascript URL", "javascript:alert(1)"],
    ["a relative URL", "/settings"],
    ["credentials in the URL", "https://user:pw@app.crm.test/settings"],
  ])("returnTo with %s is 400 invalid_request", async (_name, returnTo) => {
    const { locationId, userId } = await provisionMember();
    const res = await api("POST", `/v1/locations/${locationId}/users/${userId}/mailbox/connect`, {
      body: { returnTo },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: "invalid_request", details: { issues: [{ path: ["returnTo"] }] } },
    });
  });

  it("the state in the authorization URL does not reveal the PKCE verifier or the ids it binds", async () => {
    const { locationId, userId } = await provisionMember();
    const url = new URL(await startConnect(locationId, userId));
    const state = url.searchParams.get("state") ?? "";
    const header = JSON.parse(atob(state.split(".")[0]?.replaceAll("-", "+").replaceAll("_", "/") ?? ""));
    expect(header).toEqual({ alg: "dir", enc: "A256GCM" });
    expect(state).not.toContain(locationId);
    expect(state.split(".")).toHaveLength(5);
  });
});
