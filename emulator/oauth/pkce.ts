import { toBase64Url, utf8 } from "../util/base64";

/** RFC 7636: 43–128 characters of the unreserved set, for both verifier and challenge. */
export const PKCE_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

export async function s256(verifier: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8.encode(verifier))));
}

export async function verifierMatches(verifier: string, challenge: string, method: "S256" | "plain"): Promise<boolean> {
  if (!PKCE_PATTERN.test(verifier)) return false;
  return (method === "S256" ? await s256(verifier) : verifier) === challenge;
}
