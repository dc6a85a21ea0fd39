import type { Config } from "../config";
import { fetchText } from "../gmail/deadline";
import { err, ok, type Result } from "../util/result";

/** Revoked (or already gone), or the HTTP status Google answered (0: no answer). */
export type RevokeResult = Result<null, { status: number }>;

/**
 * Revokes a grant at Google (R5). Revoking the refresh token ends the whole grant, access tokens
 * included. Google answers 400 `invalid_token` for a grant that is already gone: that is success too.
 */
export async function revokeToken(
  config: Pick<Config, "GOOGLE_REVOKE_URL" | "GOOGLE_TIMEOUT_MS">,
  token: string,
): Promise<RevokeResult> {
  try {
    const response = await fetchText(
      config.GOOGLE_REVOKE_URL,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }),
      },
      config.GOOGLE_TIMEOUT_MS,
    );
    if (response.ok) return ok(null);
    const error = oauthError(response.text);
    if (response.status === 400 && (error === "invalid_token" || error === "invalid_grant")) return ok(null);
    return err({ status: response.status });
  } catch {
    // No answer (network, or our deadline): the caller forgets the grant anyway and logs it.
    return err({ status: 0 });
  }
}

function oauthError(text: string): unknown {
  try {
    const body: unknown = JSON.parse(text);
    return body && typeof body === "object" && "error" in body ? (body as { error: unknown }).error : null;
  } catch {
    return null;
  }
}
