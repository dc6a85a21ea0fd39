import { z } from "zod";
import type { Config } from "../config";
import { err, ok, type Result } from "../util/result";
import { postTokenForm } from "./token-endpoint";

const CodeExchangeAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().default(""),
  id_token: z.string().min(1).optional(),
});

/** What a successful exchange yields. Secrets stay in memory: they go to the mailbox's DO, never to logs. */
export interface GrantedTokens {
  accessToken: string;
  expiresInSec: number;
  refreshToken: string;
  idToken: string;
  scope: string;
}

export type ExchangeResult = Result<
  GrantedTokens,
  {
    reason: "exchange_refused" | "no_refresh_token" | "no_id_token" | "malformed_answer";
    status?: number;
    error?: string;
  }
>;

type ExchangeConfig = Pick<
  Config,
  "GOOGLE_TOKEN_URL" | "GOOGLE_CLIENT_ID" | "GOOGLE_CLIENT_SECRET" | "GOOGLE_TIMEOUT_MS" | "OAUTH_REDIRECT_URL"
>;

/** Authorization code → tokens, proving the PKCE verifier. One try: a code is single-use at Google too. */
export async function exchangeCode(
  config: ExchangeConfig,
  code: string,
  codeVerifier: string,
): Promise<ExchangeResult> {
  const answer = await postTokenForm(config, {
    grant_type: "authorization_code",
    code,
    code_verifier: codeVerifier,
    redirect_uri: config.OAUTH_REDIRECT_URL,
  });
  if (!answer.ok) {
    return err({
      reason: "exchange_refused",
      status: answer.error.failure.status ?? 0,
      error: answer.error.failure.reason ?? "unknown",
    });
  }
  const parsed = CodeExchangeAnswer.safeParse(answer.value);
  if (!parsed.success) return err({ reason: "malformed_answer" });
  const { access_token, expires_in, refresh_token, scope, id_token } = parsed.data;
  // Without a refresh token there is nothing to sync with once the hour is up (R1: offline access).
  if (!refresh_token) return err({ reason: "no_refresh_token" });
  if (!id_token) return err({ reason: "no_id_token" });
  return ok({
    accessToken: access_token,
    expiresInSec: expires_in,
    refreshToken: refresh_token,
    idToken: id_token,
    scope,
  });
}
