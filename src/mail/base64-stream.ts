import { BASE64_LINE } from "./base64";

/** Bytes per base64 line: 57 bytes make exactly 76 characters. */
const LINE_BYTES = (BASE64_LINE / 4) * 3;
const CODES = Uint8Array.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", (c) =>
  c.charCodeAt(0),
);
const PAD = 61;
const CR = 13;
const LF = 10;

/**
 * Raw bytes in, base64 out, wrapped at 76 columns with CRLF between lines (none after the last): the same
 * bytes as wrapBase64(toBase64(all)), made chunk by chunk. Each chunk in becomes one byte array out, written
 * directly (no strings: a 25 MB attachment would otherwise leave ~100 MB of string garbage in the isolate).
 * Holds under 57 carried bytes between chunks.
 */
export function base64WrapStream(): TransformStream<Uint8Array, Uint8Array> {
  const carry = new Uint8Array(LINE_BYTES);
  let carried = 0;
  let first = true;
  /** The lines as one array, each after a CRLF but the very first of the stream. */
  const encodeLines = (lines: Uint8Array[]): Uint8Array => {
    const length = lines.reduce((sum, line) => sum + Math.ceil(line.length / 3) * 4 + 2, first ? -2 : 0);
    const out = new Uint8Array(length);
    let at = 0;
    for (const line of lines) {
      if (!first) {
        out[at++] = CR;
        out[at++] = LF;
      }
      first = false;
      at = encodeBase64Into(line, out, at);
    }
    return out;
  };
  return new TransformStream({
    transform(chunk, controller) {
      const lines: Uint8Array[] = [];
      let offset = 0;
      if (carried > 0) {
        offset = Math.min(LINE_BYTES - carried, chunk.length);
        carry.set(chunk.subarray(0, offset), carried);
        carried += offset;
        if (carried < LINE_BYTES) return;
        lines.push(carry);
      }
      for (; offset + LINE_BYTES <= chunk.length; offset += LINE_BYTES) {
        lines.push(chunk.subarray(offset, offset + LINE_BYTES));
      }
      if (lines.length > 0) controller.enqueue(encodeLines(lines));
      // Only now: `carry` may be the first line just encoded.
      carry.set(chunk.subarray(offset));
      carried = chunk.length - offset;
    },
    flush(controller) {
      if (carried > 0) controller.enqueue(encodeLines([carry.subarray(0, carried)]));
    },
  });
}

/** Padded base64 of `bytes` written into `out` from `at`; answers where it stopped. */
function encodeBase64Into(bytes: Uint8Array, out: Uint8Array, at: number): number {
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[at++] = CODES[n >> 18] as number;
    out[at++] = CODES[(n >> 12) & 63] as number;
    out[at++] = CODES[(n >> 6) & 63] as number;
    out[at++] = CODES[n & 63] as number;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] as number) << 16) | (rest === 2 ? (bytes[i + 1] as number) << 8 : 0);
    out[at++] = CODES[n >> 18] as number;
    out[at++] = CODES[(n >> 12) & 63] as number;
    out[at++] = rest === 2 ? (CODES[(n >> 6) & 63] as number) : PAD;
    out[at++] = PAD;
  }
  return at;
}
