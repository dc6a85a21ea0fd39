import { describe, expect, it } from "vitest";
import { isValidEmail, normalizeEmail, parseAddress, parseAddressList } from "../../../src/mail/address";
import type { Address } from "../../../src/mail/message-facts";

describe("parseAddressList", () => {
  it.each<[string, string | null | undefined, Address[]]>([
    ["a bare address", "alice@example.com", [{ email: "alice@example.com", name: null }]],
    ["mixed case and spaces", "  Alice@Example.COM  ", [{ email: "alice@example.com", name: null }]],
    ["a display name", "Alice Smith <alice@example.com>", [{ email: "alice@example.com", name: "Alice Smith" }]],
    [
      "a quoted name with a comma",
      '"Doe, John" <John.Doe@Example.com>, bob@example.com',
      [
        { email: "john.doe@example.com", name: "Doe, John" },
        { email: "bob@example.com", name: null },
      ],
    ],
    [
      "an RFC 2047 B-encoded name",
      "=?UTF-8?B?w4lsaXNl?= <elise@example.fr>",
      [{ email: "elise@example.fr", name: "Élise" }],
    ],
    [
      "an RFC 2047 Q-encoded quoted name",
      '"=?utf-8?Q?Ren=C3=A9?=" <r@example.com>',
      [{ email: "r@example.com", name: "René" }],
    ],
    ["a raw UTF-8 name", "José <jose@example.com>", [{ email: "jose@example.com", name: "José" }]],
    [
      "a group, flattened in order",
      "Team: a@example.com, B <b@example.com>;, c@example.org",
      [
        { email: "a@example.com", name: null },
        { email: "b@example.com", name: "B" },
        { email: "c@example.org", name: null },
      ],
    ],
    ["an empty group", "Undisclosed recipients:;", []],
    ["a comment as name", "a@example.com (Comment Name)", [{ email: "a@example.com", name: "Comment Name" }]],
    [
      "garbage keeps the readable part",
      "bad <not an email>, ,,, good@example.com, foo@",
      [{ email: "good@example.com", name: null }],
    ],
    ["words without an address", "garbage", []],
    ["an empty header", "", []],
    ["null", null, []],
    ["undefined", undefined, []],
  ])("%s", (_label, header, expected) => {
    expect(parseAddressList(header)).toEqual(expected);
  });

  it("never throws on hostile input", () => {
    const hostile = [
      '"unterminated <a@b.com',
      "<<<>>>@@@",
      `${"a".repeat(100_000)}@x.com`,
      "=?UTF-8?B?####?= <x@y.com>",
      "\u0000@\u0000",
    ];
    for (const value of hostile) expect(() => parseAddressList(value)).not.toThrow();
  });
});

describe("parseAddress", () => {
  it.each<[string, Address | null]>([
    ["Bob <BOB@example.com>, c@example.com", { email: "bob@example.com", name: "Bob" }],
    ["nothing here", null],
  ])("%s", (header, expected) => {
    expect(parseAddress(header)).toEqual(expected);
  });
});

describe("normalizeEmail", () => {
  it.each([
    [" Alice@Example.COM ", "alice@example.com"],
    ["bob@example.com", "bob@example.com"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe("isValidEmail", () => {
  it.each<[string, boolean]>([
    ["alice@example.com", true],
    ["first.last+tag@sub.example.co.uk", true],
    ["o'brien@example.ie", true],
    ["x@xn--bcher-kva.example", true],
    ["a@b", false],
    ["a@b.c", false],
    ["@example.com", false],
    ["alice@", false],
    ["alice", false],
    ["al ice@example.com", false],
    ["alice..b@example.com", false],
    [".alice@example.com", false],
    ['"quoted"@example.com', false],
    ["alice@exa_mple.com", false],
    ["alice@-example.com", false],
    ["alice@example.com\r\nBcc: x@evil.com", false],
    ["alice@example.com>", false],
    ["élise@example.fr", false],
    [`${"a".repeat(65)}@example.com`, false],
    [`a@${"b".repeat(250)}.com`, false],
  ])("%s → %s", (email, expected) => {
    expect(isValidEmail(email)).toBe(expected);
  });
});
