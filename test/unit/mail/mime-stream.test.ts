import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { multipartUpload } from "../../../src/gmail/send";
import { wrappedBase64Length } from "../../../src/mail/base64";
import { buildMime, planMime, type OutgoingMessage } from "../../../src/mail/build-mime";
import { toBase64 } from "../../../src/mail/encode-header";
import { mimeChunks, mimeStream, renderMime } from "../../../src/mail/mime-segments";
import { sha256Hex, sha256HexOfText } from "../../../src/util/sha256";
import { concatBytes } from "../../support/bytes";

const pattern = (size: number, seed: number) =>
  Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed + (i >> 8)) & 0xff);

/** A reply with text, html and four attachments (one empty, one of 200,001 bytes that spans many chunks). */
const MESSAGE: OutgoingMessage = {
  from: { email: "owner@gmail.test", name: "Élodie Owner" },
  to: [
    { email: "alice@client.test", name: 'Alice, "A"' },
    { email: "bob@client.test", name: null },
  ],
  cc: [{ email: "cc@client.test", name: "Çé" }],
  bcc: [{ email: "boss@corp.test", name: null }],
  subject: "Prévisions 2026 — pièces jointes 🚀",
  text: "Bonjour,\nvoir les pièces jointes = trois.\n",
  html: "<p>Bonjour, voir les <b>pièces jointes</b>.</p>",
  attachments: [
    { filename: "report.pdf", contentType: "application/pdf", content: pattern(3000, 1) },
    { filename: "Prévisions été 2026.xlsx", contentType: "application/vnd.ms-excel", content: pattern(3, 2) },
    { filename: "empty.bin", contentType: "application/octet-stream", content: new Uint8Array(0) },
    { filename: "big.bin", contentType: "application/octet-stream", content: pattern(200_001, 3) },
  ],
  messageId: "<crm.golden@gmail.test>",
  date: new Date(Date.UTC(2026, 10, 26, 18, 5, 9)),
  inReplyTo: "<m1@x.test>",
  references: ["<m0@x.test>", "<m1@x.test>"],
};

/** The same attachments as the request carries them: base64 text, never decoded on the Gmail path. */
const AS_BASE64: OutgoingMessage = {
  ...MESSAGE,
  attachments: MESSAGE.attachments.map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    contentBase64: toBase64(a.content ?? new Uint8Array()),
  })),
};

// The one-string builder before streaming (commit 933d157) made exactly these bytes for MESSAGE.
const OLD_BUILDER = { length: 279_493, sha256: "1f21f7abc811f450f284209e8f5232fdb0653784b92f863bac0b18bc2d7e6361" };

function plan(message: OutgoingMessage) {
  const result = planMime(message);
  if (!result.ok) throw new Error(`unexpected ${result.error.field}: ${result.error.message}`);
  return result.value;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const ascii = (bytes: Uint8Array) => new TextDecoder("latin1").decode(bytes);

describe("streamed MIME (R13, R17)", () => {
  it("R17: the streamed message is byte-identical to the old one-string builder's, from bytes or from base64", async () => {
    for (const message of [MESSAGE, AS_BASE64]) {
      const { segments, length } = plan(message);
      const streamed = await readAll(mimeStream(segments));
      expect(length).toBe(OLD_BUILDER.length);
      expect(streamed.length).toBe(OLD_BUILDER.length);
      expect(await sha256Hex(streamed)).toBe(OLD_BUILDER.sha256);
    }
  });

  it("R13: buildMime still makes that same message as one string", async () => {
    const built = buildMime(AS_BASE64);
    if (!built.ok) throw new Error(built.error.message);
    expect(await sha256Hex(built.value)).toBe(OLD_BUILDER.sha256);
  });

  it.each([1, 7, 77, 78, 79, 1000, 64 * 1024])(
    "R17: chunks of %i bytes join to the same message, none larger",
    (chunkBytes) => {
      const { segments, length } = plan(AS_BASE64);
      const chunks = [...mimeChunks(segments, chunkBytes)];
      expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(Math.max(chunkBytes, 78));
      const joined = concatBytes(chunks);
      expect(joined.length).toBe(length);
      expect(ascii(joined)).toBe(renderMime(segments));
    },
  );

  it.each([0, 1, 2, 3, 56, 57, 58, 114, 65_535, 65_536, 65_537])(
    "R17: a %i-byte attachment round-trips through postal-mime byte-exact when streamed",
    async (size) => {
      const content = pattern(size, 9);
      const { segments, length } = plan({
        ...MESSAGE,
        attachments: [{ filename: "a.bin", contentType: "application/octet-stream", contentBase64: toBase64(content) }],
      });
      const streamed = await readAll(mimeStream(segments, 1000));
      expect(streamed.length).toBe(length);
      const parsed = await PostalMime.parse(streamed);
      expect(new Uint8Array(parsed.attachments[0]?.content as ArrayBuffer)).toEqual(content);
    },
  );

  it.each<[number, number]>([
    [0, 0],
    [4, 4],
    [76, 76],
    [80, 82],
    [152, 154],
    [156, 160],
  ])("base64 of %i characters wraps to %i bytes", (chars, wrapped) => {
    expect(wrappedBase64Length(chars)).toBe(wrapped);
  });
});

describe("the upload body (gmail/send.ts)", () => {
  it("R13: multipart/related of the metadata and the streamed message, exactly the length it declares", async () => {
    const { segments, length } = plan(AS_BASE64);
    let opened = 0;
    const upload = multipartUpload(
      {
        length,
        open: () => {
          opened++;
          return mimeStream(segments);
        },
      },
      "thread-1",
    );
    const boundary = /boundary=(\S+)$/.exec(upload.contentType)?.[1] ?? "";
    const expected =
      `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{"threadId":"thread-1"}\r\n` +
      `--${boundary}\r\nContent-Type: message/rfc822\r\n\r\n${renderMime(segments)}\r\n--${boundary}--\r\n`;
    // Each attempt opens its own stream: the retry after a 401 cannot reuse a read one.
    for (const attempt of [1, 2]) {
      const body = await readAll(await upload.open());
      expect(opened).toBe(attempt);
      expect(upload.length).toBe(expected.length);
      expect(ascii(body)).toBe(expected);
    }
  });

  it("R13: a message shorter than its declared length fails the upload instead of sending a cut message", async () => {
    const upload = multipartUpload(
      { length: 10, open: () => new Response("too short").body ?? new ReadableStream() },
      null,
    );
    await expect(readAll(await upload.open())).rejects.toThrow();
  });
});

describe("sha256HexOfText (R25 request hash)", () => {
  it.each<[string, string]>([
    ["empty", ""],
    ["ASCII over one piece", "QUJD".repeat(600_000)],
    ["a surrogate pair across the piece boundary", `${"a".repeat(1024 * 1024 - 1)}🚀${"é".repeat(10)}`],
    ["a lone high surrogate at the boundary", `${"a".repeat(1024 * 1024 - 1)}\ud83d${"b".repeat(5)}`],
  ])("is sha256Hex of the whole text: %s", async (_name, text) => {
    expect(await sha256HexOfText(text)).toBe(await sha256Hex(text));
  });
});
