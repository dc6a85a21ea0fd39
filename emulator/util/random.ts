/** Random identifiers. Google's tokens and codes are opaque; only their prefixes are recognisable. */

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function randomHex(length: number): string {
  return [...randomBytes(Math.ceil(length / 2))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")
    .slice(0, length);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export function randomToken(length: number): string {
  return [...randomBytes(length)].map((b) => ALPHABET[b % 64]).join("");
}

export function randomDigits(length: number): string {
  return [...randomBytes(length)]
    .map((b) => String(b % 10))
    .join("")
    .replace(/^0/, "1");
}

/** A uniformly random integer in [min, max]. */
export function randomInt(min: number, max: number): number {
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
  return min + (value % (max - min + 1));
}
