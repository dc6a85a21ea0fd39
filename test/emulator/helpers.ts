import { createRemoteJWKSet } from "jose";
import { createAccount, GOOGLE_ORIGIN, uniqueEmail } from "../support/google";
import { gmailFetch, obtainTokens, tokenRequest } from "../support/google-oauth";
import { TEST_GOOGLE } from "../support/google";

/** A new access token from a refresh token (the account's clock may have moved past the old one's hour). */
export async function refreshAccess(refreshToken: string): Promise<string> {
  const response = await tokenRequest({
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: TEST_GOOGLE.clientId,
    client_secret: TEST_GOOGLE.clientSecret,
  });
  if (!response.ok) throw new Error(`refresh failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The emulator's own JWKS, as a verifier of ID tokens and push tokens would fetch it. */
export const googleJwks = createRemoteJWKSet(new URL(`${GOOGLE_ORIGIN}/oauth2/v3/certs`));

/** A fresh account with an access token from the full OAuth flow. */
export async function connectedAccount(
  prefix = "owner",
  scopes?: string[],
): Promise<{ email: string; token: string; refreshToken: string }> {
  const email = uniqueEmail(prefix);
  await createAccount(email);
  const tokens = await obtainTokens(email, scopes ? { scopes } : {});
  return { email, token: tokens.access_token, refreshToken: tokens.refresh_token ?? "" };
}

export async function gmail<T = Record<string, unknown>>(
  token: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await gmailFetch(token, path, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
}

export function postJson(body: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

export function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(data: string): string {
  const binary = atob(data.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The error body Gmail answers, for assertions on shape. */
export interface GoogleError {
  error: {
    code: number;
    message: string;
    errors: Array<{ message: string; domain: string; reason: string }>;
    status: string;
  };
}
