import { jwtVerify, type JWTPayload } from "jose";
import type { Config } from "../config";
import { normalizeEmail } from "../mail/address";
import { err, ok, type Result } from "../util/result";
import { googleKeySet } from "./jwks";

/** Google signs ID tokens with either spelling of its issuer. */
export const GOOGLE_ISSUERS = ["https://accounts.google.com", "accounts.google.com"];

export type IdTokenCheck = Result<
  { email: string; subject: string },
  "invalid_signature_or_claims" | "email_not_verified" | "no_email"
>;

/**
 * R1: the mailbox address comes from the verified ID token and nothing else. Checked: RS256 signature
 * against Google's keys, issuer, audience (our client id), expiry at `now`, and email_verified.
 */
export async function verifyIdToken(
  config: Pick<Config, "GOOGLE_CERTS_URL" | "GOOGLE_CLIENT_ID" | "GOOGLE_TIMEOUT_MS">,
  idToken: string,
  now: number,
): Promise<IdTokenCheck> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, googleKeySet(config.GOOGLE_CERTS_URL, config.GOOGLE_TIMEOUT_MS), {
      algorithms: ["RS256"],
      issuer: GOOGLE_ISSUERS,
      audience: config.GOOGLE_CLIENT_ID,
      currentDate: new Date(now),
      requiredClaims: ["sub", "exp", "iat"],
    }));
  } catch {
    return err("invalid_signature_or_claims");
  }
  const email = payload.email;
  if (typeof email !== "string" || email.trim() === "") return err("no_email");
  // Google sends a boolean; some libraries saw the string "true" in older tokens.
  if (payload.email_verified !== true && payload.email_verified !== "true") return err("email_not_verified");
  return ok({ email: normalizeEmail(email), subject: payload.sub ?? "" });
}
