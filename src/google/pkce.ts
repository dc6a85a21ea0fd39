import { toBase64Url } from "../util/base64url";

/** RFC 7636: 32 random bytes, base64url (43 characters), well inside the 43–128 range. */
export function newCodeVerifier(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 challenge sent in the authorization URL; Google checks the verifier against it at the exchange. */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return toBase64Url(new Uint8Array(digest));
}
