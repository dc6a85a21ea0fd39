import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { buildMime, type OutgoingMessage } from "../../../src/mail/build-mime";
import { validateOutgoingMessage, type OutgoingProblem } from "../../../src/mail/validate-outgoing";

const base: OutgoingMessage = {
  from: { email: "owner@gmail.test", name: "Olivia" },
  to: [{ email: "alice@client.test", name: "Alice" }],
  cc: [{ email: "carl@client.test", name: "Carl" }],
  bcc: [{ email: "bea@client.test", name: "Bea" }],
  subject: "Hello",
  text: "body",
  attachments: [{ filename: "a.txt", contentType: "text/plain", content: new Uint8Array([65]) }],
  messageId: "<id1@gmail.test>",
  date: new Date(0),
  inReplyTo: "<prev@x.test>",
  references: ["<prev@x.test>"],
};

const INJECTIONS: [string, string][] = [
  ["CRLF", "x\r\nBcc: victim@evil.test"],
  ["LF", "x\nBcc: victim@evil.test"],
  ["CR", "x\rBcc: victim@evil.test"],
  ["NUL", "x\u0000y"],
  ["U+2028 line separator", "x\u2028Bcc: victim@evil.test"],
  ["U+2029 paragraph separator", "x\u2029y"],
  ["U+0085 next line", "x\u0085y"],
  ["vertical tab", "x\u000By"],
  ["form feed", "x\u000Cy"],
  ["escape", "x\u001By"],
  ["DEL", "x\u007Fy"],
];

type Mutation = [field: string, apply: (m: OutgoingMessage, v: string) => OutgoingMessage];
const FIELDS: Mutation[] = [
  ["subject", (m, v) => ({ ...m, subject: v })],
  ["from.name", (m, v) => ({ ...m, from: { ...m.from, name: v } })],
  ["from.email", (m, v) => ({ ...m, from: { ...m.from, email: `a${v}@gmail.test` } })],
  ["to[0].name", (m, v) => ({ ...m, to: [{ email: "alice@client.test", name: v }] })],
  ["to[0].email", (m, v) => ({ ...m, to: [{ email: `alice@client.test${v}`, name: null }] })],
  ["cc[0].name", (m, v) => ({ ...m, cc: [{ email: "carl@client.test", name: v }] })],
  ["bcc[0].email", (m, v) => ({ ...m, bcc: [{ email: `${v}bea@client.test`, name: null }] })],
  [
    "attachments[0].filename",
    (m, v) => ({
      ...m,
      attachments: [{ filename: `a${v}.txt`, contentType: "text/plain", content: new Uint8Array(1) }],
    }),
  ],
  [
    "attachments[0].contentType",
    (m, v) => ({
      ...m,
      attachments: [{ filename: "a.txt", contentType: `text/plain${v}`, content: new Uint8Array(1) }],
    }),
  ],
  ["messageId", (m, v) => ({ ...m, messageId: `<id${v}@gmail.test>` })],
  ["inReplyTo", (m, v) => ({ ...m, inReplyTo: `<p${v}@x.test>` })],
  ["references[0]", (m, v) => ({ ...m, references: [`<r${v}@x.test>`] })],
];

describe("header injection is refused (R13)", () => {
  const cases = FIELDS.flatMap(([field, apply]) =>
    INJECTIONS.map(([kind, value]) => [field, kind, apply(base, value)] as const),
  );
  it.each(cases)("%s with %s", (field, _kind, message) => {
    const result = buildMime(message);
    expect(result).toEqual({
      ok: false,
      error: { field, problem: "forbidden_character", message: `${field} contains a line break or control character` },
    });
  });

  it("the untouched message is valid and builds", () => {
    expect(validateOutgoingMessage(base)).toEqual({ ok: true, value: null });
    expect(buildMime(base).ok).toBe(true);
  });

  it("header-like text in a body stays in the body", async () => {
    const result = buildMime({ ...base, text: "hi\r\nBcc: victim@evil.test\r\n\r\nmore" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const parsed = await PostalMime.parse(result.value);
    expect(parsed.bcc).toEqual([{ address: "bea@client.test", name: "Bea" }]);
    expect(parsed.text).toContain("Bcc: victim@evil.test");
  });

  it("a name with address-like specials cannot add a recipient", async () => {
    const result = buildMime({
      ...base,
      to: [{ email: "alice@client.test", name: 'x" <evil@evil.test>, "y' }],
      cc: [],
      bcc: [],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const parsed = await PostalMime.parse(result.value);
    expect(parsed.to).toEqual([{ address: "alice@client.test", name: 'x" <evil@evil.test>, "y' }]);
  });
});

describe("validateOutgoingMessage", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `r${i}@client.test`, name: null }));
  it.each<[string, Partial<OutgoingMessage>, string, OutgoingProblem]>([
    [
      "a To address that is not an addr-spec",
      { to: [{ email: "Alice <alice@client.test>", name: null }] },
      "to[0].email",
      "invalid_address",
    ],
    ["a Cc without a domain", { cc: [{ email: "carl@", name: null }] }, "cc[0].email", "invalid_address"],
    [
      "a Bcc with a quoted local part",
      { bcc: [{ email: '"b c"@client.test', name: null }] },
      "bcc[0].email",
      "invalid_address",
    ],
    ["an invalid From", { from: { email: "owner", name: null } }, "from.email", "invalid_address"],
    ["no To", { to: [] }, "to", "no_recipient"],
    ["101 recipients in total", { to: many(50), cc: many(50), bcc: many(1) }, "recipients", "too_many_recipients"],
    ["no body", { text: null, html: null }, "text", "no_body"],
    [
      "a content type with parameters",
      { attachments: [{ filename: "a", contentType: "text/plain; charset=x", content: new Uint8Array() }] },
      "attachments[0].contentType",
      "invalid_content_type",
    ],
    [
      "a content type without subtype",
      { attachments: [{ filename: "a", contentType: "text", content: new Uint8Array() }] },
      "attachments[0].contentType",
      "invalid_content_type",
    ],
    [
      "a content type with a quote",
      { attachments: [{ filename: "a", contentType: 'text/"x', content: new Uint8Array() }] },
      "attachments[0].contentType",
      "invalid_content_type",
    ],
    [
      "an empty filename",
      { attachments: [{ filename: " ", contentType: "text/plain", content: new Uint8Array() }] },
      "attachments[0].filename",
      "invalid_filename",
    ],
    [
      "a 256-character filename",
      { attachments: [{ filename: "é".repeat(256), contentType: "text/plain", content: new Uint8Array() }] },
      "attachments[0].filename",
      "invalid_filename",
    ],
    ["a message id without brackets", { messageId: "id@x.test" }, "messageId", "invalid_message_id"],
    ["an In-Reply-To with a space", { inReplyTo: "<a b@x.test>" }, "inReplyTo", "invalid_message_id"],
    ["a reference with nested brackets", { references: ["<a<b>@x.test>"] }, "references[0]", "invalid_message_id"],
  ])("%s", (_name, over, field, problem) => {
    const result = validateOutgoingMessage({ ...base, ...over });
    expect(result).toMatchObject({ ok: false, error: { field, problem } });
    expect(buildMime({ ...base, ...over }).ok).toBe(false);
  });

  it.each<[string, Partial<OutgoingMessage>]>([
    ["exactly 100 recipients", { to: many(40), cc: many(40), bcc: many(20) }],
    ["html only", { text: null, html: "<p>x</p>" }],
    ["an empty text body", { text: "", html: null }],
    ["a tab in the subject", { subject: "a\tb" }],
    ["no reply headers", { inReplyTo: null, references: [] }],
  ])("accepts %s", (_name, over) => {
    expect(validateOutgoingMessage({ ...base, ...over })).toEqual({ ok: true, value: null });
  });
});

describe("filenames of every length survive RFC 2231 splitting", () => {
  const names = Array.from({ length: 40 }, (_, i) => `${"é".repeat(i + 1)}-${"a%".repeat(i)}.pdf`);
  it.each(names)("%s", async (filename) => {
    const result = buildMime({
      ...base,
      attachments: [{ filename, contentType: "application/pdf", content: new Uint8Array([1]) }],
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(Math.max(...result.value.split("\r\n").map((l) => l.length))).toBeLessThanOrEqual(78);
    expect((await PostalMime.parse(result.value)).attachments[0]?.filename).toBe(filename);
  });
});
