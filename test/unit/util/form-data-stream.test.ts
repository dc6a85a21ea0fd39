import { describe, expect, it } from "vitest";
import { FormDataError, formDataParts } from "../../../src/util/form-data-stream";
import { concatBytes } from "../../support/bytes";

const BOUNDARY = "----probe7MA4YWxkTrZu0gW";
const pattern = (size: number, seed: number) =>
  Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed + (i >> 8)) & 0xff);

/** A form as a browser would send it, with a file that holds the delimiter's first bytes to tempt the reader. */
function form(files: Uint8Array[]): Uint8Array {
  const encoder = new TextEncoder();
  const pieces: Uint8Array[] = [
    encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="message"\r\n\r\n{"a":1}\r\n`),
  ];
  files.forEach((file, i) => {
    pieces.push(
      encoder.encode(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f${i}"; filename="f${i}.bin"\r\n` +
          "Content-Type: application/octet-stream\r\n\r\n",
      ),
      file,
      encoder.encode("\r\n"),
    );
  });
  pieces.push(encoder.encode(`--${BOUNDARY}--\r\n`));
  return concatBytes(pieces);
}

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      // A fresh buffer each time, as a request's chunks come.
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

/** Each part's bytes, read as a consumer that takes over every chunk's buffer (as a native stream may). */
async function readParts(body: ReadableStream<Uint8Array>): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const part of formDataParts(body, BOUNDARY)) {
    const kept: Uint8Array[] = [];
    for await (const chunk of part.body) {
      kept.push(chunk.slice());
      structuredClone(chunk.buffer, { transfer: [chunk.buffer] });
    }
    const whole = new Uint8Array(kept.reduce((sum, c) => sum + c.length, 0));
    let at = 0;
    for (const c of kept) {
      whole.set(c, at);
      at += c.length;
    }
    out.set(part.name, whole);
  }
  return out;
}

describe("formDataParts: the multipart send's streaming form reader (R17)", () => {
  const tricky = new TextEncoder().encode(`x\r\n--${BOUNDARY.slice(0, 10)}y\r\n-\r`);
  const files = [pattern(100_003, 1), tricky, new Uint8Array(0), pattern(70_000, 2)];
  const body = form(files);

  it.each([1, 2, 5])("byte by byte (chunks of %i), small parts arrive byte for byte", async (size) => {
    const small = [pattern(300, 3), tricky, new Uint8Array(0)];
    const parts = await readParts(chunked(form(small), size));
    for (const [i, file] of small.entries()) expect(parts.get(`f${i}`)).toEqual(file);
  });

  it.each([7, 13, 64, 1000, 65_536, body.length])(
    "in chunks of %i bytes, every part arrives byte for byte, even when its reader detaches each chunk",
    async (size) => {
      const parts = await readParts(chunked(body, size));
      expect(new TextDecoder().decode(parts.get("message"))).toBe('{"a":1}');
      for (const [i, file] of files.entries()) expect(parts.get(`f${i}`)).toEqual(file);
    },
  );

  it("a form cut inside a part is an error, not a short file", async () => {
    await expect(readParts(chunked(body.subarray(0, 50_000), 4096))).rejects.toBeInstanceOf(FormDataError);
  });
});
