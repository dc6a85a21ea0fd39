import type { Config } from "../config";

export type RevokeResult = { ok: true } | { ok: false; status: number };

/**
 * Revokes a grant at Google (R5). Revoking the refresh token ends the whole grant, access tokens
 * included. Google answers 400 `invalid_token` for a grant that is already gone: that is success too.
 */
export async function revokeToken(config: Pick<Config, "GOOGLE_REVOKE_URL">, token: string): Promise<RevokeResult> {
  try {
    const response = await fetch(config.GOOGLE_REVOKE_URL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }),
    });
    if (response.ok) return { ok: true };
    const body: unknown = await response.json().catch(() => null);
    const error = body && typeof body === "object" && "error" in body ? (body as { error: unknown }).error : null;
    if (response.status === 400 && (error === "invalid_token" || error === "invalid_grant")) return { ok: true };
    return { ok: false, status: response.status };
  } catch {
    return { ok: false, status: 0 };
  }
}
