import type { EmulatorState } from "../state/store";
import { PKCE_PATTERN } from "./pkce";
import { parseScopes } from "./scopes";

/** A validated authorization request, as the consent screen receives it. */
export interface AuthRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  accessType: "online" | "offline";
  prompt: string[];
  loginHint: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain";
  nonce: string | null;
  includeGrantedScopes: boolean;
}

/** Either Google shows an error page (client or redirect URI unusable), or it redirects back with an error. */
export type AuthRequestResult =
  | { ok: true; request: AuthRequest }
  | { ok: false; page: { status: number; error: string; description: string } }
  | { ok: false; redirect: string };

function redirectError(
  redirectUri: string,
  error: string,
  description: string,
  state: string | null,
): AuthRequestResult {
  const url = new URL(redirectUri);
  url.searchParams.set("error", error);
  url.searchParams.set("error_description", description);
  if (state !== null) url.searchParams.set("state", state);
  return { ok: false, redirect: url.toString() };
}

const page = (status: number, error: string, description: string): AuthRequestResult => ({
  ok: false,
  page: { status, error, description },
});

/** Checks an authorization request the way Google's authorization endpoint does, in its order. */
export function parseAuthRequest(state: EmulatorState, query: URLSearchParams): AuthRequestResult {
  const clientId = query.get("client_id");
  if (!clientId) return page(400, "invalid_request", "Missing required parameter: client_id");
  const client = state.clients.get(clientId);
  if (!client) return page(401, "invalid_client", "The OAuth client was not found.");
  const redirectUri = query.get("redirect_uri");
  if (!redirectUri) return page(400, "invalid_request", "Missing required parameter: redirect_uri");
  // Exact string match, as Google requires: no prefix, no trailing-slash or case leniency.
  if (!client.redirectUris.includes(redirectUri)) {
    return page(
      400,
      "redirect_uri_mismatch",
      `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`,
    );
  }
  const stateParam = query.get("state");
  const responseType = query.get("response_type");
  if (!responseType) return page(400, "invalid_request", "Required parameter is missing: response_type");
  if (responseType !== "code")
    return redirectError(
      redirectUri,
      "unsupported_response_type",
      `Invalid response_type: ${responseType}`,
      stateParam,
    );
  const scope = query.get("scope");
  if (!scope?.trim()) return page(400, "invalid_request", "Missing required parameter: scope");
  const { scopes, invalid } = parseScopes(scope);
  if (invalid.length > 0)
    return page(400, "invalid_scope", `Some requested scopes were invalid. {invalid=[${invalid.join(", ")}]}`);
  const accessType = query.get("access_type") ?? "online";
  if (accessType !== "online" && accessType !== "offline")
    return page(400, "invalid_request", `Invalid access_type: ${accessType}`);
  const prompt = (query.get("prompt") ?? "").split(" ").filter(Boolean);
  if (
    prompt.some((p) => !["none", "consent", "select_account"].includes(p)) ||
    (prompt.includes("none") && prompt.length > 1)
  ) {
    return page(400, "invalid_request", `Invalid prompt: ${query.get("prompt")}`);
  }
  const codeChallenge = query.get("code_challenge");
  const method = query.get("code_challenge_method") ?? (codeChallenge ? "plain" : null);
  if (method !== null && method !== "S256" && method !== "plain")
    return page(400, "invalid_request", `Invalid code_challenge_method: ${method}`);
  if (method !== null && !codeChallenge) return page(400, "invalid_request", "Missing code_challenge.");
  if (codeChallenge !== null && !PKCE_PATTERN.test(codeChallenge))
    return page(400, "invalid_request", "Invalid code_challenge.");
  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      scopes,
      state: stateParam,
      accessType,
      prompt,
      loginHint: query.get("login_hint"),
      codeChallenge,
      codeChallengeMethod: method === "plain" ? "plain" : "S256",
      nonce: query.get("nonce"),
      includeGrantedScopes: query.get("include_granted_scopes") === "true",
    },
  };
}
