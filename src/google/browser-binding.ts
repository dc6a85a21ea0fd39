import { fromBase64Url, toBase64Url } from "../util/base64url";
import type { TokenKeys } from "./token-crypto";

/**
 * R32: the cookie that binds a connect's state to the browser that opened its start URL. Its value is an
 * HMAC of the state id, so nothing is stored server-side: a callback from a browser without the cookie
 * (a connect link sent to someone else, RFC 9700's login CSRF) cannot produce it.
 */
const PURPOSE = "crm-gmail-sync/oauth-browser/v1";
const COOKIE_BASE = "gmail_connect_";

export interface BindingCookie {
  name: string;
  value: string;
}

const derived = new Map<string, Promise<CryptoKey>>();

/** HKDF from the token key, as the state key is: no secret is reused as-is for a second purpose. */
function bindingKey(base64Key: string): Promise<CryptoKey> {
  let key = derived.get(base64Key);
  if (!key) {
    key = (async () => {
      const raw = Uint8Array.from(atob(base64Key), (c) => c.charCodeAt(0));
      const ikm = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode(PURPOSE) },
        ikm,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign", "verify"],
      );
    })();
    derived.set(base64Key, key);
  }
  return key;
}

/**
 * The cookie's name: one per connect (the state id is in it), so two connects started in one browser do not
 * overwrite each other. `__Host-` where the service is https: no subdomain can set or shadow it.
 */
export function bindingCookieName(stateId: string, secure: boolean): string {
  return `${secure ? "__Host-" : ""}${COOKIE_BASE}${stateId}`;
}

export async function bindingCookie(keys: TokenKeys, stateId: string, secure: boolean): Promise<BindingCookie> {
  const mac = await crypto.subtle.sign("HMAC", await bindingKey(keys.current), new TextEncoder().encode(stateId));
  return { name: bindingCookieName(stateId, secure), value: toBase64Url(new Uint8Array(mac)) };
}

/** Constant-time (HMAC verify): the cookie value is attacker-controlled. Either key, during a rotation. */
export async function isBindingValid(keys: TokenKeys, stateId: string, value: string | undefined): Promise<boolean> {
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) return false;
  const mac = fromBase64Url(value);
  for (const base64Key of [keys.current, keys.previous]) {
    if (!base64Key) continue;
    const data = new TextEncoder().encode(stateId);
    if (await crypto.subtle.verify("HMAC", await bindingKey(base64Key), mac, data)) return true;
  }
  return false;
}

/** Set-Cookie for the binding: HttpOnly, SameSite=Lax (Google's redirect back is a top-level GET), Path=/. */
export function setBindingCookie(cookie: BindingCookie, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [
    `${cookie.name}=${cookie.value}`,
    `Max-Age=${maxAgeSeconds}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
  ];
  if (secure) attributes.push("Secure");
  return attributes.join("; ");
}

/** Set-Cookie that removes the binding once its state is spent. */
export function clearBindingCookie(name: string, secure: boolean): string {
  return setBindingCookie({ name, value: "" }, 0, secure);
}
