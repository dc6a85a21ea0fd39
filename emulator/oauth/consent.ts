import { createAccount, findAccount, grantKey, type EmulatorState } from "../state/store";
import { randomToken } from "../util/random";
import type { AuthRequest } from "./request";
import { grantedScopes } from "./scopes";

export const CODE_TTL_MS = 10 * 60 * 1000;

export interface ConsentDecision {
  account: string;
  decision: "allow" | "deny";
  /** Scopes left ticked; omitted means all. Basic scopes (openid, email, profile) cannot be unticked. */
  grantScopes?: string[];
}

export type ConsentResult = { ok: true; redirectUrl: string } | { ok: false; status: number; message: string };

function redirect(uri: string, params: Record<string, string | null>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * The user's answer on the consent screen, turned into the redirect Google sends the browser to:
 * `code` + `state` (+ `scope`, `authuser`, `prompt`) on Allow, `error=access_denied` on Deny.
 */
export function decideConsent(state: EmulatorState, request: AuthRequest, decision: ConsentDecision): ConsentResult {
  if (decision.decision === "deny") {
    return { ok: true, redirectUrl: redirect(request.redirectUri, { error: "access_denied", state: request.state }) };
  }
  let account = findAccount(state, decision.account);
  if (!account && state.options.autoCreateAccounts) account = createAccount(state, { email: decision.account });
  if (!account) return { ok: false, status: 404, message: `No Google account ${decision.account}` };
  const existing = state.grants.get(grantKey(account.email, request.clientId));
  if (request.prompt.includes("none") && !existing) {
    return {
      ok: true,
      redirectUrl: redirect(request.redirectUri, { error: "consent_required", state: request.state }),
    };
  }
  let scopes = grantedScopes(request.scopes, decision.grantScopes);
  if (request.includeGrantedScopes && existing) scopes = [...new Set([...existing.scopes, ...scopes])];
  const code = `4/0A${randomToken(72)}`;
  state.codes.set(code, {
    code,
    email: account.email,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    nonce: request.nonce,
    // Google issues a refresh token on the first offline consent only, or when prompt=consent forces one.
    issueRefreshToken: request.accessType === "offline" && (!existing || request.prompt.includes("consent")),
    expiresAt: state.clock.of(account) + CODE_TTL_MS,
    used: false,
  });
  return {
    ok: true,
    redirectUrl: redirect(request.redirectUri, {
      state: request.state,
      code,
      scope: scopes.join(" "),
      authuser: "0",
      prompt: "consent",
    }),
  };
}
