/**
 * Refresh tokens at rest: AES-256-GCM under TOKEN_ENCRYPTION_KEY, stored as {kid, iv, ciphertext}.
 * `kid` names the key (the first bytes of its SHA-256), so a rotated key is recognised: a token sealed
 * under TOKEN_ENCRYPTION_KEY_PREVIOUS still opens, and the caller re-seals it under the current key.
 * The additional data binds a sealed token to its mailbox: a ciphertext copied to another mailbox fails.
 */
import { fromBase64Url, toBase64Url } from "../util/base64url";
import { err, ok, type Result } from "../util/result";

export interface SealedToken {
  kid: string;
  iv: string;
  ciphertext: string;
}

/** Base64 keys of 32 bytes, as config.ts validates them. */
export interface TokenKeys {
  current: string;
  previous?: string | undefined;
}

/** Why a sealed token does not open: no key of that id, or it does not authenticate (another key, copy, tamper). */
export type OpenFailure = "unknown_key" | "corrupt";

export type OpenResult = Result<{ plaintext: string; resealNeeded: boolean }, OpenFailure>;

interface LoadedKey {
  kid: string;
  key: CryptoKey;
}

const IV_BYTES = 12;
const KID_BYTES = 8;
const loaded = new Map<string, Promise<LoadedKey>>();

function loadKey(base64Key: string): Promise<LoadedKey> {
  let key = loaded.get(base64Key);
  if (!key) {
    key = (async () => {
      const raw = Uint8Array.from(atob(base64Key), (c) => c.charCodeAt(0));
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
      const cryptoKey = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
      return { kid: toBase64Url(digest.slice(0, KID_BYTES)), key: cryptoKey };
    })();
    loaded.set(base64Key, key);
  }
  return key;
}

/** The id a key is known by: what a stored token's `kid` is compared with. */
export async function keyId(base64Key: string): Promise<string> {
  return (await loadKey(base64Key)).kid;
}

export async function sealToken(keys: TokenKeys, plaintext: string, boundTo: string): Promise<SealedToken> {
  const { kid, key } = await loadKey(keys.current);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const data = new TextEncoder().encode(plaintext);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(boundTo) },
    key,
    data,
  );
  return { kid, iv: toBase64Url(iv), ciphertext: toBase64Url(new Uint8Array(sealed)) };
}

export async function openToken(keys: TokenKeys, sealed: SealedToken, boundTo: string): Promise<OpenResult> {
  const current = await loadKey(keys.current);
  const previous = keys.previous ? await loadKey(keys.previous) : undefined;
  const match = [current, previous].find((k) => k?.kid === sealed.kid);
  if (!match) return err("unknown_key");
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64Url(sealed.iv), additionalData: new TextEncoder().encode(boundTo) },
      match.key,
      fromBase64Url(sealed.ciphertext),
    );
    return ok({ plaintext: new TextDecoder().decode(plain), resealNeeded: match !== current });
  } catch {
    return err("corrupt");
  }
}
