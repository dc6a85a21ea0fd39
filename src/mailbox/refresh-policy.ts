import type { Config } from "../config";
import { refreshAccessToken, type RefreshResult } from "../google/refresh";

/** Tries per refresh: a 401 or 503 from the token endpoint is usually gone a moment later (R6: not revoked). */
export const REFRESH_ATTEMPTS = 3;
export const REFRESH_RETRY_DELAYS_MS = [200, 800] as const;

/**
 * Refreshes with a short bounded retry. Only `auth_revoked` (invalid_grant) ends early: every other
 * failure, the token endpoint's 401s included, is retried and finally reported as it is, never as a revocation.
 */
export async function refreshWithRetries(
  config: Pick<Config, "GOOGLE_TOKEN_URL" | "GOOGLE_CLIENT_ID" | "GOOGLE_CLIENT_SECRET" | "GOOGLE_TIMEOUT_MS">,
  refreshToken: string,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<RefreshResult> {
  let result = await refreshAccessToken(config, refreshToken);
  for (
    let attempt = 1;
    attempt < REFRESH_ATTEMPTS && !result.ok && result.error.failure.kind !== "auth_revoked";
    attempt += 1
  ) {
    await sleep(REFRESH_RETRY_DELAYS_MS[attempt - 1] ?? 1000);
    result = await refreshAccessToken(config, refreshToken);
  }
  return result;
}
