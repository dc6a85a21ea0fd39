/** SHA-256 as lowercase hex: request hashes (idempotency), Message-IDs, BCC fingerprints, R2 keys. */

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return toHex(await crypto.subtle.digest("SHA-256", bytes));
}

const HASH_PIECE_CHARS = 1024 * 1024;

/**
 * The same digest as sha256Hex(text), fed to a DigestStream 1 Mi characters at a time, so that a 27 MB
 * attachment's base64 is never copied whole into bytes. Pieces end between code points, never inside a
 * surrogate pair, so the UTF-8 is that of the whole string.
 */
export async function sha256HexOfText(text: string): Promise<string> {
  const digest = new crypto.DigestStream("SHA-256");
  const writer = digest.getWriter();
  const encoder = new TextEncoder();
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + HASH_PIECE_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    await writer.write(encoder.encode(text.slice(start, end)));
    start = end;
  }
  await writer.close();
  return toHex(await digest.digest);
}

function toHex(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * SHA-256 fed piece by piece (a streamed attachment's text): `write` may be called without waiting, in order;
 * `hex()` once the last piece was written.
 */
export function sha256Pieces(): { write: (bytes: Uint8Array) => Promise<void>; hex: () => Promise<string> } {
  const digest = new crypto.DigestStream("SHA-256");
  const writer = digest.getWriter();
  return {
    write: (bytes) => writer.write(bytes),
    hex: async () => {
      await writer.close();
      return toHex(await digest.digest);
    },
  };
}

/**
 * A pass-through that hashes and counts the bytes going by (a file part on its way to R2): `done()` gives
 * the digest and the count once the stream ended.
 */
export function sha256Tap(): {
  stream: TransformStream<Uint8Array, Uint8Array>;
  bytes: () => number;
  done: () => Promise<string>;
} {
  const hash = sha256Pieces();
  let bytes = 0;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      bytes += chunk.byteLength;
      await hash.write(chunk);
      controller.enqueue(chunk);
    },
  });
  return { stream, bytes: () => bytes, done: hash.hex };
}
