import { describe, expect, it } from "vitest";
import { base64DecodeStream } from "../../../src/util/base64-decode-stream";
import { jsonStringFieldStream } from "../../../src/util/json-string-field-stream";
import { cutAnywhere, randomBytes, seeded } from "../../support/random";

async function through(pieces: Uint8Array[], ...steps: TransformStream<Uint8Array, Uint8Array>[]): Promise<Uint8Array> {
  let stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  for (const step of steps) stream = stream.pipeThrough(step);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Where two byte strings first differ (null when equal): a failure reads short, never as a 200 KB diff. */
function firstDifference(actual: Uint8Array, expected: Uint8Array): string | null {
  const length = Math.min(actual.length, expected.length);
  for (let i = 0; i < length; i++) {
    if (actual[i] !== expected[i]) return `byte ${i}: ${actual[i]} instead of ${expected[i]}`;
  }
  return actual.length === expected.length ? null : `${actual.length} bytes instead of ${expected.length}`;
}

const ascii = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
const base64url = (bytes: Uint8Array, padded: boolean) => {
  const url = base64(bytes).replaceAll("+", "-").replaceAll("/", "_");
  return padded ? url : url.replace(/=+$/, "");
};

describe("reading 12: base64DecodeStream decodes base64url cut at any byte", () => {
  it("reading 12: random bytes, every length 0–67, padded or not, url or standard alphabet, cut anywhere", async () => {
    const random = seeded(12);
    for (let length = 0; length < 68; length++) {
      const bytes = randomBytes(random, length);
      for (const encoded of [base64url(bytes, true), base64url(bytes, false), base64(bytes)]) {
        const decoded = await through(cutAnywhere(ascii(encoded), random), base64DecodeStream());
        expect(firstDifference(decoded, bytes), `${length} bytes as ${encoded}`).toBeNull();
      }
    }
  });

  it("reading 12: 200 random cuttings of 3 KB decode to the same bytes", async () => {
    const random = seeded(2026);
    const bytes = randomBytes(random, 3 * 1024 + 1);
    const encoded = ascii(base64url(bytes, true));
    for (let round = 0; round < 200; round++) {
      expect(firstDifference(await through(cutAnywhere(encoded, random), base64DecodeStream()), bytes)).toBeNull();
    }
  });

  it("reading 12: line breaks and whitespace inside the text are skipped, as decodeBase64Url does", async () => {
    const bytes = ascii("Hello, streamed world!");
    const wrapped = base64(bytes).replace(/(.{4})/g, "$1\r\n ");
    expect(text(await through([ascii(wrapped)], base64DecodeStream()))).toBe("Hello, streamed world!");
  });

  it("reading 12: a lone trailing character carries no whole byte and is dropped", async () => {
    expect(await through([ascii("QUJDR")], base64DecodeStream())).toEqual(ascii("ABC"));
  });
});

describe("reading 12: jsonStringFieldStream cuts one field out of a JSON object as it streams", () => {
  const answer = (data: string, pretty: boolean) => {
    const body = { attachmentId: "ANGjdJ_x-y", size: 3, data };
    return pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  };

  it.each([
    ["Google's order, pretty", answer("QUJD", true)],
    ["Google's order, compact", answer("QUJD", false)],
    ["data first", '{"data":"QUJD","size":3}'],
    ["escaped padding and slash", '{"data":"QUJD\\u003d\\/"}'],
    ["an escaped key", '{"d\\u0061ta":"QUJD"}'],
    [
      "decoys before it",
      '{"meta":{"data":"NOPE","list":[{"data":"NO"}]},"note":"\\"data\\": \\"NO\\"","dat":"NO","datas":"NO","data":"QUJD"}',
    ],
    ["a second data after it is ignored", '{"data":"QUJD","data":"NOPE"}'],
    ["numbers, booleans and null around it", '{"size":12e3,"ok":true,"x":null,"neg":-1,"data":"QUJD","y":false}'],
  ])("reading 12: %s", async (_name, json) => {
    const random = seeded(json.length);
    for (let round = 0; round < 20; round++) {
      const extracted = text(await through(cutAnywhere(ascii(json), random), jsonStringFieldStream("data")));
      expect(extracted.replaceAll("=", "").replaceAll("/", "")).toBe("QUJD");
    }
  });

  it.each([
    ["no such field", '{"size":0}'],
    ["a null field", '{"data":null,"size":0}'],
    ["a nested field only", '{"body":{"data":"QUJD"}}'],
    ["not an object", '["data","QUJD"]'],
    ["an error body", '{"error":{"code":404,"message":"Requested entity was not found."}}'],
  ])("reading 12: %s gives nothing", async (_name, json) => {
    expect(await through([ascii(json)], jsonStringFieldStream("data"))).toEqual(new Uint8Array());
  });

  it("reading 12: an answer cut inside the field errors instead of passing for a whole attachment", async () => {
    await expect(through([ascii('{"size":3,"data":"QUJ')], jsonStringFieldStream("data"))).rejects.toThrow(
      /ended inside the field/,
    );
  });

  it("reading 12: attachments.get JSON → field → decoder gives back 200 KB of random bytes, cut anywhere", async () => {
    const random = seeded(17);
    const bytes = randomBytes(random, 200 * 1024 + 2);
    for (const padded of [true, false]) {
      const json = ascii(answer(base64url(bytes, padded), padded));
      for (let round = 0; round < 5; round++) {
        const pieces = cutAnywhere(json, random);
        const decoded = await through(pieces, jsonStringFieldStream("data"), base64DecodeStream());
        expect(firstDifference(decoded, bytes)).toBeNull();
      }
    }
  });
});
