import { describe, expect, it } from "vitest";
import { base64WrapStream } from "../../../src/mail/base64-stream";
import { wrapBase64 } from "../../../src/mail/encode-body";
import { toBase64 } from "../../../src/mail/encode-header";

const pattern = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 8)) & 0xff);

/** `bytes` through the stream, cut into chunks of the given sizes (cycled), as text. */
async function wrapped(bytes: Uint8Array, sizes: number[]): Promise<string> {
  const chunks: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Response(source.pipeThrough(base64WrapStream())).text();
}

describe("base64WrapStream: a staged attachment's bytes to MIME base64 (R17 multipart sends)", () => {
  it.each([
    ["empty", 0, [1]],
    ["one byte", 1, [1]],
    ["two bytes", 2, [2]],
    ["one line exactly", 57, [57]],
    ["one line and one byte", 58, [57]],
    ["byte by byte across lines", 200, [1]],
    ["chunks that never align with lines", 10_000, [7, 56, 58, 113, 1]],
    ["large chunks", 300_001, [65_536]],
    ["chunks ending one short of a line", 5_000, [56]],
  ])("%s (%i bytes) is byte for byte wrapBase64(toBase64(all))", async (_, size, sizes) => {
    const bytes = pattern(size);
    expect(await wrapped(bytes, sizes)).toBe(wrapBase64(toBase64(bytes)));
  });

  it("every byte value encodes with the standard alphabet and padding", async () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const size of [256, 255, 254]) {
      expect(await wrapped(all.subarray(0, size), [100])).toBe(
        wrapBase64(btoa(String.fromCharCode(...all.subarray(0, size)))),
      );
    }
  });
});
