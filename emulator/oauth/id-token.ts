import type { KeyRing } from "./keys";
import { toBase64Url, utf8 } from "../util/base64";
import type { Account } from "../state/types";

export const GOOGLE_ISSUER = "https://accounts.google.com";
export const ID_TOKEN_TTL_S = 3600;

/** at_hash: the left half of SHA-256 of the access token, base64url (OpenID Connect core 3.1.3.6). */
async function atHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8.encode(accessToken)));
  return toBase64Url(digest.subarray(0, 16));
}

export async function signIdToken(
  keys: KeyRing,
  input: {
    account: Account;
    clientId: string;
    accessToken: string;
    nonce: string | null;
    nowMs: number;
    withProfile: boolean;
  },
): Promise<string> {
  const iat = Math.floor(input.nowMs / 1000);
  return keys.sign({
    iss: GOOGLE_ISSUER,
    azp: input.clientId,
    aud: input.clientId,
    sub: input.account.sub,
    email: input.account.email,
    email_verified: true,
    at_hash: await atHash(input.accessToken),
    ...(input.nonce ? { nonce: input.nonce } : {}),
    ...(input.withProfile ? { name: input.account.name } : {}),
    iat,
    exp: iat + ID_TOKEN_TTL_S,
  });
}
