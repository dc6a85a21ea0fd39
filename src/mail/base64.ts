/*
 * Canonical base64 (RFC 4648: padded, no line breaks) as a send's request carries attachments: judged and
 * decoded as the request streams in (CanonicalBase64Decoder), and the MIME's base64 lines (76 columns).
 */
import { Base64Decoder } from "../util/base64-decode-stream";

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

const PAD = 0x3d;
/** The standard alphabet (`-` and `_`, base64url's, are not canonical here). */
const CANONICAL = (() => {
  const table = new Uint8Array(256);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = 1;
  return table;
})();

/**
 * Canonical base64 judged and decoded as it arrives, cut anywhere (a JSON send's attachment, streamed out of
 * the request: http/send-body/stage-json.ts). It accepts exactly what schemas/send.ts's check accepts, so the
 * streamed send refuses what the parsed one refused; once the text is found not canonical it stops decoding.
 */
export class CanonicalBase64Decoder {
  readonly #decoder = new Base64Decoder();
  #characters = 0;
  #padding = 0;
  #canonical = true;

  /** The bytes `text` completes; none once the text is not canonical base64. */
  push(text: Uint8Array): Uint8Array {
    this.#characters += text.length;
    if (!this.#canonical) return new Uint8Array();
    for (let i = 0; i < text.length; i++) {
      const byte = text[i] as number;
      if (CANONICAL[byte] === 1 && this.#padding === 0) continue;
      if (byte === PAD && this.#padding < 2) this.#padding++;
      else {
        this.#canonical = false;
        return new Uint8Array();
      }
    }
    return this.#decoder.push(text);
  }

  /** The text ended: the last quantum's bytes, if the whole text was canonical (else none). */
  end(): Uint8Array {
    return this.canonical ? this.#decoder.end() : new Uint8Array();
  }

  /** schemas/send.ts's verdict: the standard alphabet, at most two `=` at the very end, a length of 4n. */
  get canonical(): boolean {
    return this.#canonical && this.#characters % 4 === 0;
  }
}
