/*
 * Canonical base64 (RFC 4648: padded, no line breaks) as a send's request carries attachments. The Gmail
 * path never decodes it: a MIME attachment body is base64 too, so the client's text is only re-wrapped at
 * 76 columns (build-mime.ts). Sizes come from the length alone.
 */

/** RFC 2045's line length for base64 bodies. */
export const BASE64_LINE = 76;

/** Exact decoded size of canonical base64 (validated at the edge, schemas/send.ts), without decoding it. */
export function base64DecodedSize(b64: string): number {
  const padding = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return (b64.length / 4) * 3 - padding;
}

/** Length of `length` base64 characters wrapped at 76 columns with CRLF between lines (none after the last). */
export function wrappedBase64Length(length: number): number {
  return length === 0 ? 0 : length + 2 * (Math.ceil(length / BASE64_LINE) - 1);
}

/** Validated canonical base64 to bytes: for the location's provider and R2, which take bytes. */
export function decodeBase64(b64: string): Uint8Array {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Each standard-alphabet character's 6-bit value; -1 for anything else (`=` is handled apart). */
const SEXTET = (() => {
  const table = new Int8Array(256).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();
const PAD = 0x3d;

/**
 * Canonical base64 judged and decoded as it arrives, cut anywhere (a JSON send's attachment, streamed out of
 * the request: http/send-body/stage-json.ts). It accepts exactly what schemas/send.ts's check accepts, so the
 * streamed send refuses what the parsed one refused; once the text is found not canonical it stops decoding.
 */
export class CanonicalBase64Decoder {
  #bits = 0;
  #count = 0;
  #characters = 0;
  #padding = 0;
  #canonical = true;

  /** The bytes `text` completes; none once the text is not canonical base64. */
  push(text: Uint8Array): Uint8Array {
    this.#characters += text.length;
    if (!this.#canonical) return new Uint8Array();
    const out = new Uint8Array(Math.floor(((this.#count + text.length) * 3) / 4));
    let o = 0;
    let bits = this.#bits;
    let count = this.#count;
    for (let i = 0; i < text.length; i++) {
      const byte = text[i] as number;
      const value = SEXTET[byte] as number;
      if (value >= 0 && this.#padding === 0) {
        bits = (bits << 6) | value;
        if (++count === 4) {
          out[o++] = bits >>> 16;
          out[o++] = (bits >>> 8) & 0xff;
          out[o++] = bits & 0xff;
          bits = 0;
          count = 0;
        }
      } else if (byte === PAD && this.#padding < 2) this.#padding++;
      else {
        this.#canonical = false;
        return new Uint8Array();
      }
    }
    this.#bits = bits;
    this.#count = count;
    return out.subarray(0, o);
  }

  /** The text ended: the last quantum's bytes, if the whole text was canonical (else none). */
  end(): Uint8Array {
    if (!this.canonical) return new Uint8Array();
    const bits = this.#bits;
    if (this.#count === 2) return Uint8Array.of(bits >>> 4);
    if (this.#count === 3) return Uint8Array.of(bits >>> 10, (bits >>> 2) & 0xff);
    return new Uint8Array();
  }

  /** schemas/send.ts's verdict: the standard alphabet, at most two `=` at the very end, a length of 4n. */
  get canonical(): boolean {
    return this.#canonical && this.#characters % 4 === 0;
  }

  /** What the text decodes to, in bytes (R17 counts these); exact once the text ended and is canonical. */
  get decodedBytes(): number {
    return Math.floor(((this.#characters - this.#padding) * 3) / 4);
  }
}
