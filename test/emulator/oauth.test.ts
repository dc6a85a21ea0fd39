import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  advanceClock,
  changePassword,
  consent,
  createAccount,
  GOOGLE_ORIGIN,
  PRODUCT_SCOPES,
  revoke,
  rotateKeys,
  TEST_GOOGLE,
  uniqueEmail,
} from "../support/google";
import { authorizationUrl, obtainTokens, pkcePair, tokenRequest } from "../support/google-oauth";
import { gmail, googleJwks, postJson, base64url, type GoogleError } from "./helpers";

async function authUrl(email: string, extra: Record<string, string> = {}) {
  const pkce = await pkcePair();
  const url = authorizationUrl({
    client_id: TEST_GOOGLE.clientId,
    redirect_uri: TEST_GOOGLE.redirectUri,
    response_type: "code",
    scope: PRODUCT_SCOPES.join(" "),
    access_type: "offline",
    state: "state-123",
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
    login_hint: email,
    ...extra,
  });
  return { url, ...pkce };
}

async function codeFor(email: string, extra: Record<string, string> = {}) {
  const { url, verifier } = await authUrl(email, extra);
  const redirect = new URL(await consent(url, email));
  return { code: redirect.searchParams.get("code")!, verifier, redirect };
}

const exchange = (code: string, verifier: string | null, overrides: Record<string, string> = {}) =>
  tokenRequest({
    grant_type: "authorization_code",
    code,
    redirect_uri: TEST_GOOGLE.redirectUri,
    client_id: TEST_GOOGLE.clientId,
    client_secret: TEST_GOOGLE.clientSecret,
    ...(verifier ? { code_verifier: verifier } : {}),
    ...overrides,
  });

const refresh = (refreshToken: string) =>
  tokenRequest({
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: TEST_GOOGLE.clientId,
    client_secret: TEST_GOOGLE.clientSecret,
  });

describe("emulator: authorization endpoint", () => {
  it("shows Google's error page for an unknown client or a redirect URI that is not an exact match", async () => {
    const email = uniqueEmail();
    const unknown = await fetch(
      authorizationUrl({
        client_id: "nope",
        redirect_uri: TEST_GOOGLE.redirectUri,
        response_type: "code",
        scope: "openid",
      }),
    );
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("x-oauth-error")).toBe("invalid_client");
    const { url } = await authUrl(email, { redirect_uri: `${TEST_GOOGLE.redirectUri}/` });
    const mismatch = await fetch(url);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain("redirect_uri_mismatch");
  });

  it("serves a consent page with the accounts, login_hint preselected, and scope checkboxes", async () => {
    const email = uniqueEmail("page");
    await createAccount(email);
    const { url } = await authUrl(email);
    const page = await fetch(url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(`value="${email}" checked`);
    expect(html).toContain('value="allow"');
    expect(html).toContain("https://www.googleapis.com/auth/gmail.send");
  });

  it("the consent form posts back and redirects with code and state", async () => {
    const email = uniqueEmail("form");
    await createAccount(email);
    const { url } = await authUrl(email);
    const form = new URLSearchParams({ query: new URL(url).search.slice(1), account: email, decision: "allow" });
    for (const s of PRODUCT_SCOPES.slice(2)) form.append("scope", s);
    const res = await fetch(`${GOOGLE_ORIGIN}/o/oauth2/v2/auth/consent`, {
      method: "POST",
      body: form,
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(TEST_GOOGLE.redirectUri);
    expect(location.searchParams.get("state")).toBe("state-123");
    expect(location.searchParams.get("code")).toMatch(/^4\/0A/);
  });

  it("Allow with no account picked or typed shows the page again with a message, and redirects nowhere", async () => {
    const email = uniqueEmail("blank");
    await createAccount(email);
    const { url } = await authUrl(email);
    for (const typed of ["", "not-an-address"]) {
      const form = new URLSearchParams({ query: new URL(url).search.slice(1), newAccount: typed, decision: "allow" });
      const res = await fetch(`${GOOGLE_ORIGIN}/o/oauth2/v2/auth/consent`, {
        method: "POST",
        body: form,
        redirect: "manual",
      });
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      const html = await res.text();
      expect(html).toContain("Choose an account or type an email address.");
      expect(html).toContain('value="allow"');
    }
  });

  it("the consent page says in words what each scope allows", async () => {
    const email = uniqueEmail("words");
    await createAccount(email);
    const html = await (await fetch((await authUrl(email)).url)).text();
    expect(html).toContain("Read, compose, and send emails from your Gmail account");
    expect(html).toContain("Send email on your behalf");
  });

  it("Deny redirects with error=access_denied and the state", async () => {
    const email = uniqueEmail("deny");
    await createAccount(email);
    const { url } = await authUrl(email);
    const redirect = new URL(await consent(url, email, { decision: "deny" }));
    expect(redirect.searchParams.get("error")).toBe("access_denied");
    expect(redirect.searchParams.get("state")).toBe("state-123");
    expect(redirect.searchParams.has("code")).toBe(false);
  });

  it("Allow redirects with code, state and the granted scopes (short names expanded as Google does)", async () => {
    const email = uniqueEmail("allow");
    await createAccount(email);
    const { redirect } = await codeFor(email);
    expect(redirect.searchParams.get("state")).toBe("state-123");
    expect(redirect.searchParams.get("scope")!.split(" ")).toEqual(
      expect.arrayContaining([
        "openid",
        "https://www.googleapis.com/auth/userinfo.email",
        "https://www.googleapis.com/auth/gmail.modify",
        "https://www.googleapis.com/auth/gmail.send",
      ]),
    );
  });
});

describe("emulator: token endpoint", () => {
  it("exchanges a code with PKCE S256 and the client secret for access, refresh and ID tokens", async () => {
    const email = uniqueEmail("exchange");
    const account = await createAccount(email);
    const { code, verifier } = await codeFor(email, { nonce: "n-1" });
    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, string | number>;
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
    expect(String(tokens.access_token)).toMatch(/^ya29\./);
    expect(String(tokens.refresh_token)).toMatch(/^1\/\/0/);
    const { payload, protectedHeader } = await jwtVerify(String(tokens.id_token), googleJwks, {
      issuer: "https://accounts.google.com",
      audience: TEST_GOOGLE.clientId,
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      sub: account.sub,
      email,
      email_verified: true,
      nonce: "n-1",
      azp: TEST_GOOGLE.clientId,
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it("refuses a missing or wrong code verifier, a wrong secret, a reused code, a different redirect URI", async () => {
    const email = uniqueEmail("pkce");
    await createAccount(email);
    const a = await codeFor(email);
    expect(await (await exchange(a.code, null)).json()).toEqual({
      error: "invalid_grant",
      error_description: "Missing code verifier.",
    });
    expect(await (await exchange(a.code, (await pkcePair()).verifier)).json()).toEqual({
      error: "invalid_grant",
      error_description: "Invalid code verifier.",
    });
    const badSecret = await exchange(a.code, a.verifier, { client_secret: "wrong" });
    expect(badSecret.status).toBe(401);
    expect(await badSecret.json()).toEqual({ error: "invalid_client", error_description: "Unauthorized" });
    const b = await codeFor(email);
    const wrongRedirect = await exchange(b.code, b.verifier, { redirect_uri: "http://service.test/other" });
    expect(await wrongRedirect.json()).toEqual({ error: "redirect_uri_mismatch", error_description: "Bad Request" });
    expect((await exchange(b.code, b.verifier)).status).toBe(200);
    const reused = await exchange(b.code, b.verifier);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: "invalid_grant", error_description: "Bad Request" });
  });

  it("issues a refresh token on the first offline consent and with prompt=consent only", async () => {
    const email = uniqueEmail("first");
    await createAccount(email);
    const first = await codeFor(email);
    expect((await (await exchange(first.code, first.verifier)).json()) as object).toHaveProperty("refresh_token");
    const again = await codeFor(email);
    expect((await (await exchange(again.code, again.verifier)).json()) as object).not.toHaveProperty("refresh_token");
    const forced = await codeFor(email, { prompt: "consent" });
    expect((await (await exchange(forced.code, forced.verifier)).json()) as object).toHaveProperty("refresh_token");
    const online = await codeFor(email, { prompt: "consent", access_type: "online" });
    expect((await (await exchange(online.code, online.verifier)).json()) as object).not.toHaveProperty("refresh_token");
  });

  it("refreshes into a new access token (and ID token), and answers invalid_grant after a revoke", async () => {
    const email = uniqueEmail("refresh");
    await createAccount(email);
    const tokens = await obtainTokens(email);
    const refreshed = await refresh(tokens.refresh_token!);
    const body = (await refreshed.json()) as Record<string, unknown>;
    expect(refreshed.status).toBe(200);
    expect(body.access_token).not.toBe(tokens.access_token);
    expect(body).not.toHaveProperty("refresh_token");
    expect(body).toHaveProperty("id_token");
    await revoke(email);
    const after = await refresh(tokens.refresh_token!);
    expect(after.status).toBe(400);
    expect(await after.json()).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
    const call = await gmail<GoogleError>(String(body.access_token), "/gmail/v1/users/me/profile");
    expect(call.status).toBe(401);
    expect(call.body.error.errors[0]!.reason).toBe("authError");
  });

  it("answers invalid_grant after a password change; a new consent with prompt=consent recovers", async () => {
    const email = uniqueEmail("password");
    await createAccount(email);
    const tokens = await obtainTokens(email);
    await changePassword(email);
    expect(await (await refresh(tokens.refresh_token!)).json()).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
    const fresh = await obtainTokens(email, { prompt: "consent" });
    expect((await refresh(fresh.refresh_token!)).status).toBe(200);
  });

  it("access tokens expire after 3600 s of the account's clock and are checked on every Gmail call", async () => {
    const email = uniqueEmail("expiry");
    await createAccount(email);
    const tokens = await obtainTokens(email);
    expect((await gmail(tokens.access_token, "/gmail/v1/users/me/profile")).status).toBe(200);
    await advanceClock(email, 3599_000);
    expect((await gmail(tokens.access_token, "/gmail/v1/users/me/profile")).status).toBe(200);
    await advanceClock(email, 1_000);
    const expired = await gmail<GoogleError>(tokens.access_token, "/gmail/v1/users/me/profile");
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toContain("invalid_token");
    expect(expired.body.error).toMatchObject({
      code: 401,
      status: "UNAUTHENTICATED",
      errors: [{ reason: "authError", domain: "global", message: "Invalid Credentials" }],
    });
  });

  it("a grant with a scope unticked gets 403 insufficientPermissions on the methods that need it", async () => {
    const email = uniqueEmail("unticked");
    await createAccount(email);
    // gmail.modify also allows sending (discovery), so the user unticks modify and keeps send.
    const tokens = await obtainTokens(email, { grantScopes: ["https://www.googleapis.com/auth/gmail.send"] });
    expect(tokens.scope).not.toContain("gmail.modify");
    const history = await gmail<GoogleError>(tokens.access_token, "/gmail/v1/users/me/history?startHistoryId=1");
    expect(history.status).toBe(403);
    expect(history.body.error).toMatchObject({
      code: 403,
      message: "Request had insufficient authentication scopes.",
      status: "PERMISSION_DENIED",
      errors: [{ reason: "insufficientPermissions" }],
    });
    const send = await gmail(
      tokens.access_token,
      "/gmail/v1/users/me/messages/send",
      postJson({ raw: base64url("To: a@example.com\r\nSubject: x\r\n\r\nhi") }),
    );
    expect(send.status).toBe(200);
  });
});

describe("emulator: revocation and keys", () => {
  it("revoke takes an access token, ends the whole grant, and refuses an unknown token", async () => {
    const email = uniqueEmail("revoke");
    await createAccount(email);
    const tokens = await obtainTokens(email);
    const res = await fetch(`${GOOGLE_ORIGIN}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${tokens.access_token}`,
    });
    expect(res.status).toBe(200);
    expect(await (await refresh(tokens.refresh_token!)).json()).toMatchObject({ error: "invalid_grant" });
    const again = await fetch(`${GOOGLE_ORIGIN}/revoke?token=${tokens.access_token}`, { method: "POST" });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "invalid_token", error_description: "Token expired or revoked" });
  });

  it("publishes the JWKS with a cache lifetime, and rotation signs with a new kid while the old stays listed", async () => {
    const certs = await fetch(`${GOOGLE_ORIGIN}/oauth2/v3/certs`);
    expect(certs.headers.get("cache-control")).toMatch(/max-age=\d+/);
    const kid = await rotateKeys();
    const jwks = (await (await fetch(`${GOOGLE_ORIGIN}/oauth2/v3/certs`)).json()) as {
      keys: Array<{ kid: string; alg: string; kty: string; use: string }>;
    };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    expect(jwks.keys[0]).toMatchObject({ kid, alg: "RS256", kty: "RSA", use: "sig" });
    const email = uniqueEmail("rotated");
    await createAccount(email);
    const tokens = await obtainTokens(email);
    expect(decodeProtectedHeader(tokens.id_token!).kid).toBe(kid);
  });
});
