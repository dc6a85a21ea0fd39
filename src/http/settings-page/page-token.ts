import { errors as joseErrors, jwtVerify } from "jose";
import { CRM_ID_PATTERN } from "../schemas/common";
import { err, ok, type Result } from "../../util/result";

/**
 * The hosted settings page's token (`GET /connect?token=…`), minted by the CRM for one user in one location:
 * HS256 under API_JWT_SECRET like API tokens, but with its own audience, so it opens this page only and an
 * API token does not open the page (nor this token the API: auth.ts refuses its audience).
 */
export const PAGE_TOKEN_AUDIENCE = "crm-gmail-sync/settings";

/** A page token lives at most an hour from `iat`: it sits in a URL, so a leaked one must die soon. */
export const PAGE_TOKEN_MAX_LIFETIME_S = 3600;

export interface PageUser {
  locationId: string;
  userId: string;
}

export type PageTokenCheck = Result<PageUser, "invalid" | "expired">;

export async function verifyPageToken(secret: string, token: string, now: number): Promise<PageTokenCheck> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ["HS256"],
      audience: PAGE_TOKEN_AUDIENCE,
      requiredClaims: ["exp", "iat", "loc", "sub"],
      currentDate: new Date(now),
    });
    const { loc, sub, exp, iat } = payload;
    if (typeof loc !== "string" || !CRM_ID_PATTERN.test(loc)) return err("invalid");
    if (typeof sub !== "string" || !CRM_ID_PATTERN.test(sub)) return err("invalid");
    if (typeof exp !== "number" || typeof iat !== "number" || exp - iat > PAGE_TOKEN_MAX_LIFETIME_S)
      return err("invalid");
    // A token "issued" in the future would outlive the cap; a minute of clock skew is tolerated.
    if (iat * 1000 > now + 60_000) return err("invalid");
    return ok({ locationId: loc, userId: sub });
  } catch (error) {
    return err(error instanceof joseErrors.JWTExpired ? "expired" : "invalid");
  }
}
