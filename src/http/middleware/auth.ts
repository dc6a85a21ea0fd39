import type { MiddlewareHandler } from "hono";
import { errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { AppError } from "../../errors";
import type { AppEnv, Principal } from "../context";
import { CRM_ID_PATTERN } from "../schemas/common";
import { PAGE_TOKEN_AUDIENCE } from "../settings-page/page-token";

const BEARER = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/i;

/** Pure: the principal a verified token names, or null when it names none usable. */
export function principalFromClaims(payload: JWTPayload): Principal | null {
  // A settings-page token (page-token.ts) sits in a URL: it opens that page, never the API.
  const audiences = typeof payload.aud === "string" ? [payload.aud] : (payload.aud ?? []);
  if (audiences.includes(PAGE_TOKEN_AUDIENCE)) return null;
  if (payload.role === "admin") return { role: "admin" };
  const loc = payload.loc;
  if (typeof loc === "string" && CRM_ID_PATTERN.test(loc)) return { role: "location", locationId: loc };
  return null;
}

const unauthorized = (message: string) => new AppError("unauthorized", message);

/**
 * Verifies `Authorization: Bearer <JWT>`: HS256 only (so `alg: none` and key-confusion tokens are refused
 * before the signature is even looked at), `exp` required. Every failure is the same 401 to the caller.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const match = BEARER.exec(c.req.header("authorization") ?? "");
  if (!match?.[1]) throw unauthorized("Send Authorization: Bearer <token> with a valid API token.");
  const key = new TextEncoder().encode(c.var.config.API_JWT_SECRET);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(match[1], key, { algorithms: ["HS256"], requiredClaims: ["exp"] }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw unauthorized("The API token has expired; get a new one.");
    throw unauthorized("The API token is invalid.");
  }
  const principal = principalFromClaims(payload);
  if (!principal) throw unauthorized('The API token names neither role "admin" nor a location (loc).');
  c.set("principal", principal);
  await next();
};

const forbidden = () => new AppError("forbidden", "This token may not act on this resource.");

/** Provisioning of users and locations: admin tokens only. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.principal.role !== "admin") throw forbidden();
  await next();
};

/**
 * Mounted on every `/v1/locations/:locationId…` path, before validation, so that a token of another
 * location learns nothing about the route (not even whether its body would be valid): 403 (R23).
 */
export const requireLocationAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
  const principal = c.var.principal;
  if (principal.role !== "admin" && principal.locationId !== c.req.param("locationId")) throw forbidden();
  await next();
};
