import type { Config } from "../config";
import { classifyGoogleFailure, type GoogleFailure } from "../gmail/classify";
import { DeadlineExceeded, fetchText, type FetchedText } from "../gmail/deadline";
import { err, ok, type Result } from "../util/result";

/**
 * One POST to Google's token endpoint. A failure carries its classification (gmail/classify.ts):
 * only `auth_revoked` (invalid_grant) means the grant or the code is dead (R6); every other kind,
 * 401s and 5xx included, is never taken for a revocation.
 */
export interface TokenEndpointFailure {
  failure: GoogleFailure;
  /** Google's Retry-After header, when it sent one. */
  retryAfter: string | null;
}

/** The answer's JSON body (null when unreadable), or the classified failure. */
export type TokenEndpointResult = Result<unknown, TokenEndpointFailure>;

type TokenConfig = Pick<Config, "GOOGLE_TOKEN_URL" | "GOOGLE_CLIENT_ID" | "GOOGLE_CLIENT_SECRET" | "GOOGLE_TIMEOUT_MS">;

export async function postTokenForm(config: TokenConfig, params: Record<string, string>): Promise<TokenEndpointResult> {
  const form = new URLSearchParams({
    ...params,
    client_id: config.GOOGLE_CLIENT_ID,
    client_secret: config.GOOGLE_CLIENT_SECRET,
  });
  let response: FetchedText;
  try {
    response = await fetchText(
      config.GOOGLE_TOKEN_URL,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form,
      },
      config.GOOGLE_TIMEOUT_MS,
    );
  } catch (error) {
    // No answer (network, or our deadline): transient, never a revocation (R6).
    const failure = classifyGoogleFailure({
      call: "oauth_token",
      status: null,
      timedOut: error instanceof DeadlineExceeded,
    });
    return err({ failure, retryAfter: null });
  }
  if (response.ok) return ok(parseJson(response.text));
  return err({
    failure: classifyGoogleFailure({ call: "oauth_token", status: response.status, body: response.text }),
    retryAfter: response.headers.get("retry-after"),
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
