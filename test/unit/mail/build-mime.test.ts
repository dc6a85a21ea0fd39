import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { buildMime, newMessageId, type OutgoingMessage } from "../../../src/mail/build-mime";
import { replySubject } from "../../../src/mail/reply-subject";

const base: OutgoingMessage = {
  from: { email: "owner@gmail.test", name: "Olivia Owner" },
  to: [{ email: "alice@client.test", name: "Alice" }],
  cc: [],
  bcc: [],
  subject: "Quarterly numbers",
  text: "Hello Alice,\nsee attached.\n",
  attachments: [],
  messageId: "<abc123@gmail.test>",
  date: new Date(Date.UTC(2026, 10, 26, 18, 5, 9)),
};

function build(over: Partial<OutgoingMessage> = {}): string {
  const result = buildMime({ ...base, ...over });
  if (!result.ok) throw new Error(`unexpected ${result.error.field}: ${result.error.message}`);
  return result.value;
}

const parse = (raw: string) => PostalMime.parse(raw);
/** postal-mime ends every decoded text body with a newline; our input may not. */
const asParsed = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);
const bytes = (...values: number[]) => Uint8Array.from(values);

describe("buildMime: shape of the raw message (R13)", () => {
  it("uses CRLF only, lines ≤ 998 and body lines ≤ 76, ASCII only", () => {
    const raw = build({
      subject: "Ünïcödé ".repeat(40),
      html: `<p>${"très long ".repeat(500)}</p>`,
      attachments: [
        {
          filename: `${"rapport é".repeat(20)}.pdf`,
          contentType: "application/pdf",
          content: new Uint8Array(5000).fill(7),
        },
      ],
    });
    expect(raw).not.toMatch(/[^\r]\n/);
    expect(raw).not.toMatch(/\r[^\n]/);
    expect(raw).toMatch(/^[\x00-\x7F]*$/);
    const lines = raw.split("\r\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(78);
    // Encoded body lines (neither headers, continuations nor boundaries) stay within RFC 2045's 76.
    const bodyLines = lines.filter((l) => !/^([\w-]+:|\s|--)/.test(l));
    expect(bodyLines.length).toBeGreaterThan(100);
    expect(Math.max(...bodyLines.map((l) => l.length))).toBeLessThanOrEqual(76);
  });

  it("writes the RFC 5322 headers", () => {
    const raw = build({ inReplyTo: "<prev@x.test>", references: ["<a@x.test>", "<prev@x.test>"] });
    const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
    expect(head).toContain("Date: Thu, 26 Nov 2026 18:05:09 +0000");
    expect(head).toContain("From: Olivia Owner <owner@gmail.test>");
    expect(head).toContain("To: Alice <alice@client.test>");
    expect(head).toContain("Subject: Quarterly numbers");
    expect(head).toContain("Message-ID: <abc123@gmail.test>");
    expect(head).toContain("In-Reply-To: <prev@x.test>");
    expect(head).toContain("References: <a@x.test>\r\n <prev@x.test>");
    expect(head).toContain("MIME-Version: 1.0");
    expect(head).not.toMatch(/^Cc:/m);
  });

  it("keeps Bcc in the raw message so Gmail's Sent copy shows it", async () => {
    const raw = build({ bcc: [{ email: "boss@corp.test", name: null }] });
    expect(raw).toMatch(/^Bcc: boss@corp\.test$/m);
    expect((await parse(raw)).bcc).toEqual([{ address: "boss@corp.test", name: "" }]);
  });
});

describe("buildMime: round trip through postal-mime", () => {
  it.each<[string, string]>([
    ["ASCII", "Quarterly numbers"],
    ["accented", "Réunion à 15h — ordre du jour"],
    ["CJK", "会議の議事録について"],
    ["emoji", "Launch 🚀 day 🎉"],
    ["long non-ASCII (many encoded words)", "Überweisungsbestätigung ".repeat(12).trim()],
    ["long ASCII (folded)", "word ".repeat(60).trim()],
    ["ASCII that looks like an encoded word", "=?UTF-8?B?SGk=?= is not decoded"],
    ["empty", ""],
  ])("subject: %s", async (_name, subject) => {
    expect((await parse(build({ subject }))).subject ?? "").toBe(subject);
  });

  it.each<[string, string]>([
    ["plain", "Olivia Owner"],
    ["with a comma", "Doe, John"],
    ["with quotes and backslash", 'The "Boss" \\ Ltd'],
    ["accented", "Élodie Müller"],
    ["CJK", "山田太郎"],
    ["looks like an encoded word", "=?UTF-8?B?SGk=?="],
  ])("display name: %s", async (_name, name) => {
    const parsed = await parse(
      build({ from: { email: "owner@gmail.test", name }, to: [{ email: "a@client.test", name }] }),
    );
    expect(parsed.from).toEqual({ address: "owner@gmail.test", name });
    expect(parsed.to).toEqual([{ address: "a@client.test", name }]);
  });

  it("many recipients in To, Cc and Bcc", async () => {
    const to = Array.from({ length: 30 }, (_, i) => ({
      email: `to${i}@client.test`,
      name: i % 2 ? `Name ${i}` : null,
    }));
    const parsed = await parse(build({ to, cc: [{ email: "cc@client.test", name: "Çé" }] }));
    expect(parsed.to?.map((a) => a.address)).toEqual(to.map((a) => a.email));
    expect(parsed.cc).toEqual([{ address: "cc@client.test", name: "Çé" }]);
  });

  it("text only", async () => {
    const parsed = await parse(build({ text: "Line one\nLine two = three\n\tTabbed  \nÄrger 🚀" }));
    expect(parsed.text).toBe(asParsed("Line one\nLine two = three\n\tTabbed  \nÄrger 🚀"));
    expect(parsed.html).toBeUndefined();
  });

  it("html only", async () => {
    const parsed = await parse(build({ text: null, html: "<p>Hi <b>Alice</b> — ça va?</p>" }));
    expect(parsed.html).toBe(asParsed("<p>Hi <b>Alice</b> — ça va?</p>"));
  });

  it("text and html as multipart/alternative", async () => {
    const raw = build({ text: "plain version", html: "<p>html version</p>" });
    expect(raw).toMatch(/Content-Type: multipart\/alternative; boundary=/);
    const parsed = await parse(raw);
    expect(parsed.text).toBe(asParsed("plain version"));
    expect(parsed.html).toBe(asParsed("<p>html version</p>"));
    expect(parsed.attachments).toEqual([]);
  });

  it("a long line without spaces survives soft line breaks", async () => {
    const text = `${"x".repeat(500)}=${"é".repeat(100)}`;
    expect((await parse(build({ text }))).text).toBe(asParsed(text));
  });

  it("a body line that mimics the boundary cannot break the structure", async () => {
    const text = "--=_crm_alt_7f3a\r\nContent-Type: text/html\r\n\r\n<script>x</script>\r\n--=_crm_alt_7f3a--";
    const parsed = await parse(build({ text, html: "<p>real</p>" }));
    expect(parsed.text).toBe(asParsed(text.replace(/\r\n/g, "\n")));
    expect(parsed.html).toBe(asParsed("<p>real</p>"));
  });

  it("attachments are byte-exact with names and types (R17)", async () => {
    const binary = Uint8Array.from({ length: 3000 }, (_, i) => (i * 37) % 256);
    const raw = build({
      text: "see attached",
      html: "<p>see attached</p>",
      attachments: [
        { filename: "report.pdf", contentType: "application/pdf", content: binary },
        {
          filename: "Prévisions été 2026 — version définitive très longue pour déborder.xlsx",
          contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          content: bytes(1, 2, 3),
        },
        { filename: 'we"ird\\name;x=1.txt', contentType: "text/plain", content: bytes(0, 255, 10, 13) },
        { filename: "empty.bin", contentType: "application/octet-stream", content: new Uint8Array(0) },
      ],
    });
    expect(raw).toMatch(/Content-Type: multipart\/mixed; boundary=/);
    const parsed = await parse(raw);
    expect(parsed.text).toBe(asParsed("see attached"));
    expect(parsed.html).toBe(asParsed("<p>see attached</p>"));
    expect(parsed.attachments.map((a) => [a.filename, a.mimeType, a.disposition])).toEqual([
      ["report.pdf", "application/pdf", "attachment"],
      [
        "Prévisions été 2026 — version définitive très longue pour déborder.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "attachment",
      ],
      ['we"ird\\name;x=1.txt', "text/plain", "attachment"],
      ["empty.bin", "application/octet-stream", "attachment"],
    ]);
    const contents = parsed.attachments.map((a) => new Uint8Array(a.content as ArrayBuffer));
    expect(contents[0]).toEqual(binary);
    expect(contents[1]).toEqual(bytes(1, 2, 3));
    expect(contents[2]).toEqual(bytes(0, 255, 10, 13));
    expect(contents[3]).toEqual(new Uint8Array(0));
  });

  it("reply headers round-trip (R13)", async () => {
    const parsed = await parse(
      build({ subject: "Re: Offer", inReplyTo: "<m1@x.test>", references: ["<m0@x.test>", "<m1@x.test>"] }),
    );
    expect(parsed.inReplyTo).toBe("<m1@x.test>");
    expect(parsed.references).toBe("<m0@x.test> <m1@x.test>");
    expect(parsed.messageId).toBe("<abc123@gmail.test>");
  });
});

describe("newMessageId", () => {
  it.each<[string, string, string]>([
    ["owner@gmail.test", "3f2a9c1e-77aa", "<3f2a9c1e-77aa@gmail.test>"],
    ["o@corp.example.com", "a<b>c@d e", "<abcde@corp.example.com>"],
  ])("%s + %s → %s", (from, random, expected) => {
    expect(newMessageId(from, random)).toBe(expected);
  });
});

describe("replySubject (R13)", () => {
  it.each<[string, string]>([
    ["Offer", "Re: Offer"],
    ["Re: Offer", "Re: Offer"],
    ["RE: Offer", "Re: Offer"],
    ["re: Offer", "Re: Offer"],
    ["Re: Re: RE: re:Offer", "Re: Offer"],
    ["Re : Offer", "Re: Offer"],
    ["Re[2]: Offer", "Re: Offer"],
    ["  Re:   Offer", "Re: Offer"],
    ["Fwd: Offer", "Re: Fwd: Offer"],
    ["Regarding the offer", "Re: Regarding the offer"],
    ["Offer (Re: yours)", "Re: Offer (Re: yours)"],
    ["", "Re: "],
  ])("%s → %s", (subject, expected) => {
    expect(replySubject(subject)).toBe(expected);
  });
});
