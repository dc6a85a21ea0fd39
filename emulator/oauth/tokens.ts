import { grantKey, type EmulatorState } from "../state/store";
import type { Account, Grant } from "../state/types";
import { randomToken } from "../util/random";
import { signIdToken } from "./id-token";
import { USERINFO_PROFILE } from "./scopes";

/** Access tokens live an hour; Google reports 3599 s so that a client's clock rounding never overshoots. */
export const ACCESS_TOKEN_TTL_MS = 3600 * 1000;
export const REPORTED_EXPIRES_IN_S = 3599;

export interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: "Bearer";
  id_token?: string;
}

/** Mints an access token (and an ID token when openid was granted) under a grant. */
export async function mintTokens(
  state: EmulatorState,
  account: Account,
  grant: Grant,
  options: { refreshToken?: string; nonce: string | null },
): Promise<TokenAnswer> {
  const now = state.clock.of(account);
  const accessToken = `ya29.${randomToken(160)}`;
  state.accessTokens.set(accessToken, {
    token: accessToken,
    email: account.email,
    clientId: grant.clientId,
    grantId: grant.id,
    scopes: grant.scopes,
    expiresAt: now + ACCESS_TOKEN_TTL_MS,
  });
  const answer: TokenAnswer = {
    access_token: accessToken,
    expires_in: REPORTED_EXPIRES_IN_S,
    scope: grant.scopes.join(" "),
    token_type: "Bearer",
  };
  if (options.refreshToken) answer.refresh_token = options.refreshToken;
  if (grant.scopes.includes("openid")) {
    answer.id_token = await signIdToken(state.keys, {
      account,
      clientId: grant.clientId,
      accessToken,
      nonce: options.nonce,
      nowMs: now,
      withProfile: grant.scopes.includes(USERINFO_PROFILE),
    });
  }
  return answer;
}

export function newRefreshToken(state: EmulatorState, grant: Grant): string {
  const token = `1//0${randomToken(100)}`;
  grant.refreshTokens.add(token);
  state.refreshTokens.set(token, grantKey(grant.email, grant.clientId));
  return token;
}

/** Revoking any token of a grant removes the whole grant: its refresh tokens and its access tokens. */
export function revokeGrant(state: EmulatorState, grant: Grant): void {
  for (const token of grant.refreshTokens) state.refreshTokens.delete(token);
  for (const [token, info] of state.accessTokens) if (info.grantId === grant.id) state.accessTokens.delete(token);
  state.grants.delete(grantKey(grant.email, grant.clientId));
}
