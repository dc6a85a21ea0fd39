import { describe, expect, it } from "vitest";
import { base64DecodedSize, CanonicalBase64Decoder, decodeBase64 } from "../../../src/mail/base64";
import { SendAttachment } from "../../../src/http/schemas/send";
import { concatBytes } from "../../support/bytes";
import { cutAnywhere, randomBytes, seeded } from "../../support/random";

/** schemas/send.ts's own verdict on a contentBase64. */
const acceptedBySchema = (text: string) => SendAttachment.shape.contentBase64.safeParse(text).success;

function decodeCut(text: string, random: () => number) {
  const decoder = new CanonicalBase64Decoder();
  const pieces = cutAnywhere(new TextEncoder().encode(text), random).map((p) => decoder.push(p));
  pieces.push(decoder.end());
  return { decoder, bytes: concatBytes(pieces) };
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

describe("R17/R24: CanonicalBase64Decoder, an attachment's base64 streamed out of a JSON send (issue 19)", () => {
  it("decodes canonical base64 cut anywhere to the same bytes and size as the whole-string path", () => {
    const random = seeded(11);
    for (let round = 0; round < 200; round++) {
      const original = randomBytes(random, Math.floor(random() * 300));
      const text = base64(original);
      const { decoder, bytes } = decodeCut(text, random);
      expect(decoder.canonical).toBe(true);
      expect(bytes).toEqual(decodeBase64(text));
      expect(bytes.length).toBe(base64DecodedSize(text));
      expect(bytes).toEqual(original);
    }
  });

  it("refuses exactly what the send's schema refuses, on random near-base64 texts", () => {
    const random = seeded(12);
    const alphabet = "AZaz09+/=-_ \n.é";
    for (let round = 0; round < 2000; round++) {
      let text = "";
      for (let n = Math.floor(random() * 10); n > 0; n--) text += alphabet[Math.floor(random() * alphabet.length)];
      if (random() < 0.5) text = `QUJD${text}`;
      expect(decodeCut(text, random).decoder.canonical, JSON.stringify(text)).toBe(acceptedBySchema(text));
    }
    for (const text of ["", "QQ==", "QUI=", "QUJD", "QQ=", "Q===", "QQ==QUJD", "QUJD\n", "QUJ-", "====", "QUJ_"]) {
      expect(decodeCut(text, random).decoder.canonical, text).toBe(acceptedBySchema(text));
    }
  });
});
