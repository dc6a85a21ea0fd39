import { describe, expect, it } from "vitest";
import { firstAngleId } from "../../src/mail/header-values";
import { parseRawMessage } from "../../src/mail/parse-raw";

const enc = (lines: string[]) => new TextEncoder().encode(lines.join("\r\n"));
const FALLBACK = Date.UTC(2026, 10, 26, 12);

async function facts(lines: string[]) {
  const result = await parseRawMessage(enc(lines), 1 << 20, FALLBACK);
  if (!result.ok) throw new Error(result.error);
  return result.value.facts;
}

describe("parseRawMessage", () => {
  it("reads addresses from every To header, normalised and RFC 2047 decoded, with ids and dates", async () => {
    const f = await facts([
      "From: =?ISO-8859-1?Q?Andr=E9?= <Andre@Example.COM>",
      "To: a@x.example",
      "To: B <b@x.example>",
      "Cc: c@x.example",
      "Message-ID: plain-id@x.example",
      "In-Reply-To: <parent@x.example> (comment)",
      "References: <r1@x.example>\r\n <r2@x.example> junk",
      "Date: Thu, 26 Nov 2026 10:00:00 +0100 (CET)",
      "Subject: =?UTF-8?B?SGVsbG8g8J+Riw==?=",
      "",
      "hi",
    ]);
    expect(f).toMatchObject({
      from: { email: "andre@example.com", name: "André" },
      to: [
        { email: "a@x.example", name: null },
        { email: "b@x.example", name: "B" },
      ],
      cc: [{ email: "c@x.example", name: null }],
      messageIdHeader: "<plain-id@x.example>",
      inReplyTo: "<parent@x.example>",
      references: ["<r1@x.example>", "<r2@x.example>"],
      sentAt: Date.UTC(2026, 10, 26, 9),
      subject: "Hello 👋",
      text: "hi\n",
      html: null,
      attachments: [],
    });
  });

  it("falls back to the time of receipt without a readable Date, and to null without Message-ID", async () => {
    const f = await facts(["From: a@x.example", "Date: yesterday-ish", "", "x"]);
    expect([f.sentAt, f.messageIdHeader]).toEqual([FALLBACK, null]);
  });

  it("R20: refuses an oversize message before parsing it", async () => {
    const result = await parseRawMessage(new Uint8Array(2049), 2048, FALLBACK);
    expect(result).toEqual({ ok: false, error: "The message is 2049 bytes; at most 2048 are accepted." });
  });

  it("keeps the header fields in document order for the sender check", async () => {
    const result = await parseRawMessage(
      enc(["Authentication-Results: top; none", "X-A: 1", "Authentication-Results: below; none", "", ""]),
      1 << 20,
      FALLBACK,
    );
    expect(result.ok && result.value.headers.map((h) => `${h.key}=${h.value}`)).toEqual([
      "authentication-results=top; none",
      "x-a=1",
      "authentication-results=below; none",
    ]);
  });
});

describe("firstAngleId", () => {
  it.each<[string | null, string | null]>([
    ["<a@b>", "<a@b>"],
    ["  <a@b> <c@d>", "<a@b>"],
    ["a@b", "<a@b>"],
    ["no-at-sign", null],
    ["", null],
    [null, null],
  ])("R21: %s → %s", (value, expected) => {
    expect(firstAngleId(value)).toBe(expected);
  });
});
