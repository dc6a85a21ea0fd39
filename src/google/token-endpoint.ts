import type { Config } from "../config";
import { classifyGoogleFailure, type GoogleFailure } from "../gmail/classify";

/**
 * One POST to Google's token endpoint. A failure carries its classification (gmail/classify.ts):
 * only `auth_revoked` (invalid_grant) means the grant or the code is dead (R6); every other kind,
 * 401s and 5xx included, is never taken for a revocation.
 */
export type TokenEndpointResult =
  | { ok: true; body: unknown }
  | { ok: false; failure: GoogleFailure; retryAfter: string | null };

type TokenConfig = Pick<Config, "GOOGLE_TOKEN_URL" | "GOOGLE_CLIENT_ID" | "GOOGLE_CLIENT_SECRET">;

export async function postTokenForm(config: TokenConfig, params: Record<string, string>): Promise<TokenEndpointResult> {
  const form = new URLSearchParams({
    ...params,
    client_id: config.GOOGLE_CLIENT_ID,
    client_secret: config.GOOGLE_CLIENT_SECRET,
  });
  let response: Response;
  try {
    response = await fetch(config.GOOGLE_TOKEN_URL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form,
    });
  } catch {
    return { ok: false, failure: classifyGoogleFailure({ call: "oauth_token", status: null }), retryAfter: null };
  }
  const text = await response.text();
  if (response.ok) return { ok: true, body: parseJson(text) };
  return {
    ok: false,
    failure: classifyGoogleFailure({ call: "oauth_token", status: response.status, body: text }),
    retryAfter: response.headers.get("retry-after"),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
