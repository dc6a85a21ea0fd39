/**
 * The OAuth web-server flow against the Google emulator without the product: build an authorization URL
 * (PKCE S256), consent as an account, exchange the code. For tests of Gmail-facing code that need a token.
 */
import { consent, GOOGLE_ORIGIN, PRODUCT_SCOPES, TEST_GOOGLE } from "./google";

export interface GoogleTokens {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: string;
  id_token?: string;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
  return { verifier, challenge };
}

export function authorizationUrl(params: Record<string, string>): string {
  const url = new URL(`${GOOGLE_ORIGIN}/o/oauth2/v2/auth`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

export function tokenRequest(params: Record<string, string>): Promise<Response> {
  return fetch(`${GOOGLE_ORIGIN}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
}

/** Consent + code exchange as the product would do it; returns Google's token answer. */
export async function obtainTokens(
  account: string,
  options: { scopes?: string[]; grantScopes?: string[]; prompt?: string; accessType?: "online" | "offline" } = {},
): Promise<GoogleTokens> {
  const { verifier, challenge } = await pkcePair();
  const url = authorizationUrl({
    client_id: TEST_GOOGLE.clientId,
    redirect_uri: TEST_GOOGLE.redirectUri,
    response_type: "code",
    scope: (options.scopes ?? PRODUCT_SCOPES).join(" "),
    access_type: options.accessType ?? "offline",
    prompt: options.prompt ?? "consent",
    state: crypto.randomUUID(),
    code_challenge: challenge,
    code_challenge_method: "S256",
    login_hint: account,
  });
  const redirect = new URL(
    await consent(url, account, options.grantScopes ? { grantScopes: options.grantScopes } : {}),
  );
  const code = redirect.searchParams.get("code");
  if (!code) throw new Error(`consent gave no code: ${redirect}`);
  const response = await tokenRequest({
    grant_type: "authorization_code",
    code,
    redirect_uri: TEST_GOOGLE.redirectUri,
    client_id: TEST_GOOGLE.clientId,
    client_secret: TEST_GOOGLE.clientSecret,
    code_verifier: verifier,
  });
  if (!response.ok) throw new Error(`token exchange failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as GoogleTokens;
}

/** A Gmail API call with a bearer token; `path` starts after the host, e.g. `/gmail/v1/users/me/profile`. */
export function gmailFetch(token: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  return fetch(`${GOOGLE_ORIGIN}${path}`, { ...init, headers });
}
