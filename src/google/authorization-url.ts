import type { Config } from "../config";
import { REQUIRED_SCOPES } from "./scopes";

/**
 * Google's authorization URL for R1. `access_type=offline` with `prompt=consent` makes Google issue a
 * refresh token every time, which a reconnect after a password change needs (R6).
 */
export function buildAuthorizationUrl(
  config: Pick<Config, "GOOGLE_AUTH_URL" | "GOOGLE_CLIENT_ID" | "OAUTH_REDIRECT_URL">,
  input: { state: string; codeChallenge: string; loginHint?: string | undefined },
): string {
  const url = new URL(config.GOOGLE_AUTH_URL);
  const params: Record<string, string> = {
    client_id: config.GOOGLE_CLIENT_ID,
    redirect_uri: config.OAUTH_REDIRECT_URL,
    response_type: "code",
    scope: REQUIRED_SCOPES.join(" "),
    access_type: "offline",
    prompt: "consent",
    include_granted_scopes: "true",
    state: input.state,
    code_challenge: input.codeChallenge,
    code_challenge_method: "S256",
  };
  if (input.loginHint) params.login_hint = input.loginHint;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * R32: what `authorizationUrl` answers is the service's own start URL, on the callback's origin so the
 * cookie it sets comes back with Google's redirect. `s` is the encrypted state itself: opaque to the CRM.
 */
export function connectStartUrl(config: Pick<Config, "OAUTH_REDIRECT_URL">, stateToken: string): string {
  const url = new URL("/oauth/google/start", config.OAUTH_REDIRECT_URL);
  url.searchParams.set("s", stateToken);
  return url.toString();
}

/** The binding cookie is `__Host-`/Secure exactly when the callback is served over https. */
export function isSecureCallback(config: Pick<Config, "OAUTH_REDIRECT_URL">): boolean {
  return new URL(config.OAUTH_REDIRECT_URL).protocol === "https:";
}
