import { jwtVerify, type JWTPayload } from "jose";
import type { Config } from "../config";
import { normalizeEmail } from "../mail/address";
import { GOOGLE_ISSUERS } from "./id-token";
import { googleKeySet } from "./jwks";
import { err, ok, type Result } from "../util/result";

export type PushTokenCheck = Result<
  null,
  "missing" | "invalid_signature_or_claims" | "wrong_email" | "email_not_verified"
>;

/** The bearer token of an Authorization header, or null. */
export function bearerToken(authorization: string | null | undefined): string | null {
  const match = /^Bearer\s+([A-Za-z0-9_.~+/=-]+)\s*$/i.exec(authorization ?? "");
  return match?.[1] ?? null;
}

/**
 * A Pub/Sub push's OIDC token (docs/api.md "Gmail push"). Checked: RS256 signature against Google's cached
 * keys (alg:none and HMAC are refused by the algorithm list), issuer, audience, expiry at `now`, and the
 * push service account's email with email_verified. Anyone can POST to the webhook: this is the gate.
 */
export async function verifyPushToken(
  config: Pick<Config, "GOOGLE_CERTS_URL" | "GOOGLE_TIMEOUT_MS" | "PUBSUB_AUDIENCE" | "PUBSUB_SERVICE_ACCOUNT">,
  token: string | null,
  now: number,
): Promise<PushTokenCheck> {
  if (token === null) return err("missing");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, googleKeySet(config.GOOGLE_CERTS_URL, config.GOOGLE_TIMEOUT_MS), {
      algorithms: ["RS256"],
      issuer: GOOGLE_ISSUERS,
      audience: config.PUBSUB_AUDIENCE,
      currentDate: new Date(now),
      requiredClaims: ["exp", "iat"],
    }));
  } catch {
    return err("invalid_signature_or_claims");
  }
  if (typeof payload.email !== "string" || normalizeEmail(payload.email) !== config.PUBSUB_SERVICE_ACCOUNT) {
    return err("wrong_email");
  }
  if (payload.email_verified !== true && payload.email_verified !== "true") return err("email_not_verified");
  return ok(null);
}
