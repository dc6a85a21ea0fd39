import { describe, expect, it } from "vitest";
import { buildAuthorizationUrl } from "../../../src/google/authorization-url";
import { maxAgeMs } from "../../../src/google/jwks";
import { isAllowedReturnTo, returnUrl } from "../../../src/google/return-to";
import { missingScopes } from "../../../src/google/scopes";
import { AccessTokenCache, isFresh, ACCESS_TOKEN_REFRESH_AHEAD_MS } from "../../../src/mailbox/access-token";

const MODIFY = "https://www.googleapis.com/auth/gmail.modify";
const SEND = "https://www.googleapis.com/auth/gmail.send";

describe("R1: scopes", () => {
  it.each([
    [`openid email ${MODIFY} ${SEND}`, []],
    [`openid https://www.googleapis.com/auth/userinfo.email ${MODIFY} ${SEND}`, []],
    [`openid email ${MODIFY}`, [SEND]],
    [`openid email ${SEND} https://www.googleapis.com/auth/gmail.readonly`, [MODIFY]],
    ["", ["openid", "email", MODIFY, SEND]],
  ])("R1: granted %j misses %j", (granted, missing) => {
    expect(missingScopes(granted)).toEqual(missing);
  });
});

describe("R1: authorization URL", () => {
  it("R1: carries offline access, consent, incremental scopes and S256", () => {
    const url = new URL(
      buildAuthorizationUrl(
        {
          GOOGLE_AUTH_URL: "https://accounts.google.com/o/oauth2/v2/auth",
          GOOGLE_CLIENT_ID: "cid",
          OAUTH_REDIRECT_URL: "https://svc/cb",
        },
        { state: "s", codeChallenge: "c" },
      ),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "cid",
      redirect_uri: "https://svc/cb",
      response_type: "code",
      scope: `openid email ${MODIFY} ${SEND}`,
      access_type: "offline",
      prompt: "consent",
      include_granted_scopes: "true",
      state: "s",
      code_challenge: "c",
      code_challenge_method: "S256",
    });
  });
});

describe("returnTo", () => {
  const allowed = ["https://app.crm.test", "http://localhost:3000"];
  it.each([
    ["https://app.crm.test/settings?tab=email", true],
    ["http://localhost:3000/", true],
    ["https://app.crm.test:443/x", true],
    ["https://APP.crm.test/x", true],
    ["http://app.crm.test/x", false],
    ["https://app.crm.test.evil.example/x", false],
    ["https://evil.example/?https://app.crm.test", false],
    ["//app.crm.test/x", false],
    ["javascript:alert(1)", false],
    ["https://a:b@app.crm.test/x", false],
  ])("%s allowed: %s", (url, ok) => {
    expect(isAllowedReturnTo(url, allowed)).toBe(ok);
  });

  it("adds gmail= and reason=, replacing any already there", () => {
    expect(returnUrl("https://app.crm.test/s?gmail=x&tab=1", { ok: true, value: null })).toBe(
      "https://app.crm.test/s?tab=1&gmail=connected",
    );
    expect(returnUrl("https://app.crm.test/s", { ok: false, error: "mailbox_taken" })).toBe(
      "https://app.crm.test/s?gmail=error&reason=mailbox_taken",
    );
  });
});

describe("JWKS cache lifetime", () => {
  it.each([
    ["public, max-age=21600, must-revalidate, no-transform", 21_600_000],
    ["max-age=60", 60_000],
    ["public, max-age=999999", 24 * 60 * 60 * 1000],
    ["no-store", 0],
    [null, 60 * 60 * 1000],
  ])("Cache-Control %j keeps the keys %i ms", (header, ms) => {
    expect(maxAgeMs(header)).toBe(ms);
  });
});

describe("access token: refreshed ahead of expiry, one refresh in flight", () => {
  const NOW = 1_800_000_000_000;
  it.each([
    [null, false],
    [{ token: "t", expiresAt: NOW + ACCESS_TOKEN_REFRESH_AHEAD_MS + 1 }, true],
    [{ token: "t", expiresAt: NOW + ACCESS_TOKEN_REFRESH_AHEAD_MS }, false],
    [{ token: "t", expiresAt: NOW - 1 }, false],
  ])("%j fresh: %s", (token, fresh) => {
    expect(isFresh(token, NOW)).toBe(fresh);
  });

  it("concurrent callers share one refresh; a fresh token is reused; forceRefresh refreshes", async () => {
    let refreshes = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = new AccessTokenCache(async (now) => {
      refreshes += 1;
      await gate;
      return { token: `t${refreshes}`, expiresAt: now + 3_600_000 };
    });
    const all = Promise.all([cache.get(NOW), cache.get(NOW), cache.get(NOW)]);
    release();
    expect(await all).toEqual(["t1", "t1", "t1"]);
    expect(await cache.get(NOW + 1000)).toBe("t1");
    expect(await cache.get(NOW + 1000, true)).toBe("t2");
    expect(await cache.get(NOW + 3_600_000)).toBe("t3");
    expect(refreshes).toBe(3);
  });

  it("a failed refresh is not cached: the next caller tries again", async () => {
    let calls = 0;
    const cache = new AccessTokenCache(async (now) => {
      calls += 1;
      if (calls === 1) throw new Error("503");
      return { token: "ok", expiresAt: now + 3_600_000 };
    });
    await expect(cache.get(NOW)).rejects.toThrow("503");
    expect(await cache.get(NOW)).toBe("ok");
  });
});
