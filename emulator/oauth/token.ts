import { Hono } from "hono";
import { findAccount, grantKey, type EmulatorState } from "../state/store";
import type { Fault, Grant } from "../state/types";
import { takeFault } from "../gmail/guard";
import { sleep } from "../util/sleep";
import { randomHex } from "../util/random";
import { oauthError, oauthJson } from "./errors";
import { verifierMatches } from "./pkce";
import { mintTokens, newRefreshToken } from "./tokens";

/** The token endpoint takes a form body (Google also accepts JSON) and client credentials in it or in Basic auth. */
async function readParams(request: Request): Promise<Record<string, string>> {
  const type = request.headers.get("content-type") ?? "";
  const text = await request.text();
  if (type.includes("application/json")) {
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function basicCredentials(header: string | null): { id: string; secret: string } | null {
  if (!header?.startsWith("Basic ")) return null;
  try {
    const decoded = atob(header.slice(6));
    const colon = decoded.indexOf(":");
    return colon < 0
      ? null
      : { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

const REVOKED = "Token has been expired or revoked.";

/** An injected failure of a refresh (`failNext(account, "oauth.token", …)`): transient, never invalid_grant. */
async function tokenFaultResponse(fault: Fault): Promise<Response> {
  if ("hangMs" in fault.kind) {
    await sleep(fault.kind.hangMs);
    return oauthError(503, "temporarily_unavailable", "The service is currently unavailable.");
  }
  const status = fault.kind.status;
  if (status === 401) return oauthError(401, "unauthorized_client", "Unauthorized");
  if (status === 429) return oauthError(429, "rate_limit_exceeded", "Rate limit exceeded.");
  if (status === 403) return oauthError(403, "access_denied", "Try again later.");
  return oauthError(status, status === 503 ? "temporarily_unavailable" : "internal_failure", "Backend Error");
}

export function tokenRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.post("/token", async (c) => {
    const params = await readParams(c.req.raw);
    const basic = basicCredentials(c.req.header("authorization") ?? null);
    const clientId = params.client_id ?? basic?.id;
    if (!clientId) return oauthError(400, "invalid_request", "Could not determine client ID from request.");
    const client = state.clients.get(clientId);
    if (!client) return oauthError(401, "invalid_client", "The OAuth client was not found.");
    const secret = params.client_secret ?? basic?.secret;
    if (secret !== client.clientSecret) return oauthError(401, "invalid_client", "Unauthorized");

    if (params.grant_type === "authorization_code") {
      if (!params.code) return oauthError(400, "invalid_request", "Missing required parameter: code");
      const code = state.codes.get(params.code);
      if (!code) return oauthError(400, "invalid_grant", "Malformed auth code.");
      const account = findAccount(state, code.email);
      if (!account || code.used || code.clientId !== clientId || state.clock.of(account) > code.expiresAt) {
        return oauthError(400, "invalid_grant", "Bad Request");
      }
      if (params.redirect_uri !== code.redirectUri) return oauthError(400, "redirect_uri_mismatch", "Bad Request");
      if (code.codeChallenge) {
        if (!params.code_verifier) return oauthError(400, "invalid_grant", "Missing code verifier.");
        if (!(await verifierMatches(params.code_verifier, code.codeChallenge, code.codeChallengeMethod))) {
          return oauthError(400, "invalid_grant", "Invalid code verifier.");
        }
      }
      code.used = true;
      const key = grantKey(account.email, clientId);
      let grant: Grant | undefined = state.grants.get(key);
      if (!grant) {
        grant = {
          id: randomHex(16),
          email: account.email,
          clientId,
          scopes: code.scopes,
          refreshTokens: new Set(),
          passwordGeneration: account.passwordGeneration,
        };
        state.grants.set(key, grant);
      }
      grant.scopes = code.scopes;
      let refreshToken: string | undefined;
      if (code.issueRefreshToken) {
        grant.passwordGeneration = account.passwordGeneration;
        refreshToken = newRefreshToken(state, grant);
      }
      return oauthJson(await mintTokens(state, account, grant, { refreshToken, nonce: code.nonce }));
    }

    if (params.grant_type === "refresh_token") {
      if (!params.refresh_token) return oauthError(400, "invalid_request", "Missing required parameter: refresh_token");
      const key = state.refreshTokens.get(params.refresh_token);
      const grant = key ? state.grants.get(key) : undefined;
      const account = grant ? findAccount(state, grant.email) : null;
      if (!grant || !account) return oauthError(400, "invalid_grant", REVOKED);
      if (grant.clientId !== clientId) return oauthError(400, "unauthorized_client", "Unauthorized");
      const fault = takeFault(account, "oauth.token");
      if (fault) return tokenFaultResponse(fault);
      // A password change revokes refresh tokens that carry Gmail scopes (Google's "invalid_grant" cases).
      if (grant.passwordGeneration !== account.passwordGeneration) return oauthError(400, "invalid_grant", REVOKED);
      return oauthJson(await mintTokens(state, account, grant, { nonce: null }));
    }

    if (!params.grant_type) return oauthError(400, "unsupported_grant_type", "Invalid grant_type: ");
    return oauthError(400, "unsupported_grant_type", `Invalid grant_type: ${params.grant_type}`);
  });

  return app;
}
