import { EncryptJWT, jwtDecrypt, errors as joseErrors } from "jose";
import type { TokenKeys } from "./token-crypto";
import { err, ok, type Result } from "../util/result";

/** docs/api.md: a state older than 10 minutes is refused. */
export const STATE_TTL_MS = 10 * 60 * 1000;

const PURPOSE = "crm-gmail-sync/oauth-state/v1";

/** What the state binds: who connects where, where the browser goes back to, and the PKCE verifier. */
export interface OAuthState {
  id: string;
  locationId: string;
  userId: string;
  returnTo: string | null;
  codeVerifier: string;
  expiresAt: number;
}

export type StateCheck = Result<OAuthState, "forged" | "expired">;

const derived = new Map<string, Promise<Uint8Array>>();

/*
 * The state is an encrypted JWT (dir + A256GCM), not a signed one: it carries the PKCE verifier, which the
 * browser must never read, and the GCM tag makes it tamper-proof. The key is derived with HKDF from the
 * token key, so no secret is reused as-is for a second purpose.
 */
function stateKey(base64Key: string): Promise<Uint8Array> {
  let key = derived.get(base64Key);
  if (!key) {
    key = (async () => {
      const raw = Uint8Array.from(atob(base64Key), (c) => c.charCodeAt(0));
      const ikm = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveBits"]);
      const bits = await crypto.subtle.deriveBits(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode(PURPOSE) },
        ikm,
        256,
      );
      return new Uint8Array(bits);
    })();
    derived.set(base64Key, key);
  }
  return key;
}

export async function issueState(
  keys: TokenKeys,
  input: { locationId: string; userId: string; returnTo: string | null; codeVerifier: string },
  now: number,
): Promise<{ token: string; state: OAuthState }> {
  const state: OAuthState = { id: crypto.randomUUID(), ...input, expiresAt: now + STATE_TTL_MS };
  const token = await new EncryptJWT({ loc: state.locationId, rt: state.returnTo, cv: state.codeVerifier })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setJti(state.id)
    .setSubject(state.userId)
    .setAudience(PURPOSE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(state.expiresAt / 1000))
    .encrypt(await stateKey(keys.current));
  return { token, state };
}

/** Opens and checks a state from the callback; single use is enforced by the caller (state-uses.ts). */
export async function openState(keys: TokenKeys, token: string, now: number): Promise<StateCheck> {
  for (const base64Key of [keys.current, keys.previous]) {
    if (!base64Key) continue;
    try {
      const { payload } = await jwtDecrypt(token, await stateKey(base64Key), {
        audience: PURPOSE,
        currentDate: new Date(now),
        keyManagementAlgorithms: ["dir"],
        contentEncryptionAlgorithms: ["A256GCM"],
        requiredClaims: ["jti", "sub", "exp", "loc", "cv"],
      });
      const { jti, sub, exp, loc, rt, cv } = payload;
      if (typeof jti !== "string" || typeof sub !== "string" || typeof exp !== "number") return err("forged");
      if (typeof loc !== "string" || typeof cv !== "string" || !(rt === null || typeof rt === "string")) {
        return err("forged");
      }
      return ok({ id: jti, locationId: loc, userId: sub, returnTo: rt, codeVerifier: cv, expiresAt: exp * 1000 });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return err("expired");
    }
  }
  return err("forged");
}
