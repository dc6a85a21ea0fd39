/*
 * base64 / base64url text → bytes, as a stream (reading 12: an attachment is never held whole). The text
 * may be cut anywhere between chunks; up to three characters of a quantum are carried to the next chunk.
 * One pass over each byte, so time and memory grow linearly with the input and never with what came before.
 */

/** Each byte's 6-bit value in either alphabet (`+`/`-` → 62, `/`/`_` → 63); -1 for anything else. */
const SEXTET = (() => {
  const table = new Int8Array(256).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table[0x2b] = table[0x2d] = 62;
  table[0x2f] = table[0x5f] = 63;
  return table;
})();

/** The decoding state between chunks: the sextets of an unfinished quantum. */
export class Base64Decoder {
  #bits = 0;
  #count = 0;

  /**
   * Decodes what `text` completes. Characters outside both alphabets (padding, whitespace, line breaks) are
   * skipped, as `decodeBase64Url` does for a whole string, so padded and unpadded text decode alike.
   */
  push(text: Uint8Array): Uint8Array {
    const out = new Uint8Array(Math.floor(((this.#count + text.length) * 3) / 4));
    let o = 0;
    let bits = this.#bits;
    let count = this.#count;
    for (let i = 0; i < text.length; i++) {
      const value = SEXTET[text[i] as number] as number;
      if (value < 0) continue;
      bits = (bits << 6) | value;
      if (++count === 4) {
        out[o++] = bits >>> 16;
        out[o++] = (bits >>> 8) & 0xff;
        out[o++] = bits & 0xff;
        bits = 0;
        count = 0;
      }
    }
    this.#bits = bits;
    this.#count = count;
    return out.subarray(0, o);
  }

  /** The last, short quantum: 2 characters → 1 byte, 3 → 2; a lone character carries no whole byte. */
  end(): Uint8Array {
    const bits = this.#bits;
    const count = this.#count;
    this.#bits = 0;
    this.#count = 0;
    if (count === 2) return Uint8Array.of(bits >>> 4);
    if (count === 3) return Uint8Array.of(bits >>> 10, (bits >>> 2) & 0xff);
    return new Uint8Array();
  }
}

/** A TransformStream of base64 or base64url text (as bytes) into the bytes it encodes. */
export function base64DecodeStream(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new Base64Decoder();
  return new TransformStream({
    transform(chunk, controller) {
      const bytes = decoder.push(chunk);
      if (bytes.length > 0) controller.enqueue(bytes);
    },
    flush(controller) {
      const bytes = decoder.end();
      if (bytes.length > 0) controller.enqueue(bytes);
    },
  });
}
