import { BASE64_LINE } from "./base64";

/** Bytes per base64 line: 57 bytes make exactly 76 characters. */
const LINE_BYTES = (BASE64_LINE / 4) * 3;
/** 512 lines: under the engine's argument limit for String.fromCharCode.apply, and whole lines. */
const BLOCK_BYTES = 512 * LINE_BYTES;
const encoder = new TextEncoder();

/**
 * Raw bytes in, base64 out, wrapped at 76 columns with CRLF between lines (none after the last): the same
 * bytes as wrapBase64(toBase64(all)), made chunk by chunk. Holds one chunk and under 57 carried bytes.
 */
export function base64WrapStream(): TransformStream<Uint8Array, Uint8Array> {
  let carry = new Uint8Array(0);
  let first = true;
  // Whole lines at once: one btoa per 512 lines, then the CRLFs, rather than a string per 57 bytes.
  const encode = (bytes: Uint8Array): Uint8Array => {
    const lines: string[] = [];
    for (let at = 0; at < bytes.length; at += BLOCK_BYTES) {
      const block = bytes.subarray(at, Math.min(bytes.length, at + BLOCK_BYTES));
      const base64 = btoa(String.fromCharCode.apply(null, block as unknown as number[]));
      for (let i = 0; i < base64.length; i += BASE64_LINE) lines.push(base64.slice(i, i + BASE64_LINE));
    }
    const text = (first ? "" : "\r\n") + lines.join("\r\n");
    first = false;
    return encoder.encode(text);
  };
  return new TransformStream({
    transform(chunk, controller) {
      const all = carry.length === 0 ? chunk : concat(carry, chunk);
      const whole = all.length - (all.length % LINE_BYTES);
      carry = all.slice(whole);
      if (whole > 0) controller.enqueue(encode(all.subarray(0, whole)));
    },
    flush(controller) {
      if (carry.length > 0) controller.enqueue(encode(carry));
    },
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
