import { z } from "zod";
import type { Config } from "../config";
import { err, ok, type Result } from "../util/result";
import { postTokenForm, type TokenEndpointFailure } from "./token-endpoint";

const RefreshAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
});

export type RefreshResult = Result<{ accessToken: string; expiresInSec: number }, TokenEndpointFailure>;

type RefreshConfig = Pick<
  Config,
  "GOOGLE_TOKEN_URL" | "GOOGLE_CLIENT_ID" | "GOOGLE_CLIENT_SECRET" | "GOOGLE_TIMEOUT_MS"
>;

/** One refresh-token grant. The caller decides about retries (mailbox/access-token.ts). */
export async function refreshAccessToken(config: RefreshConfig, refreshToken: string): Promise<RefreshResult> {
  const answer = await postTokenForm(config, { grant_type: "refresh_token", refresh_token: refreshToken });
  if (!answer.ok) return answer;
  const parsed = RefreshAnswer.safeParse(answer.value);
  // An unreadable 200 is Google misbehaving, not a revoked grant: try again later.
  if (!parsed.success) {
    return err({
      failure: { kind: "retry", status: 200, reason: "malformed_answer", retryAt: null },
      retryAfter: null,
    });
  }
  return ok({ accessToken: parsed.data.access_token, expiresInSec: parsed.data.expires_in });
}
