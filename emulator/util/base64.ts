/** Byte and base64 helpers on Web APIs only, so the emulator runs in Node and in workerd alike. */

const CHUNK = 0x8000;

export function bytesToBinary(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return out;
}

export function binaryToBytes(binary: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i) & 0xff;
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(bytesToBinary(bytes));
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Accepts base64 and base64url, padded or not; null when the text is not base64 at all. */
export function fromBase64(text: string): Uint8Array | null {
  const cleaned = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned)) return null;
  const padded = cleaned.replace(/=+$/, "");
  if (padded.length % 4 === 1) return null;
  try {
    return binaryToBytes(atob(padded + "=".repeat((4 - (padded.length % 4)) % 4)));
  } catch {
    return null;
  }
}

export const utf8 = {
  encode: (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(new TextEncoder().encode(text)),
  decode: (bytes: Uint8Array): string => new TextDecoder().decode(bytes),
};
