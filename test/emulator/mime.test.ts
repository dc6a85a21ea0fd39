import { describe, expect, it } from "vitest";
import { decodeHeaderValue, parseParams } from "../../emulator/mime/headers";
import { normalizeSubject } from "../../emulator/mailbox/threading";
import { parseAddressList } from "../../emulator/mime/addresses";

describe("emulator: header decoding (Gmail shows header values decoded)", () => {
  it.each([
    ["plain", "plain"],
    ["=?UTF-8?B?UsOpdW5pb24=?=", "Réunion"],
    ["=?ISO-8859-1?Q?Caf=E9_cr=E8me?=", "Café crème"],
    ["=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab"],
    ["Re: =?UTF-8?B?w6k=?= x", "Re: é x"],
  ])("%s → %s", (raw, decoded) => {
    expect(decodeHeaderValue(raw)).toBe(decoded);
  });
});

describe("emulator: MIME parameters", () => {
  it.each([
    ['multipart/mixed; boundary="a;b"', "multipart/mixed", { boundary: "a;b" }],
    ["attachment; filename*=UTF-8''na%C3%AFve.txt", "attachment", { filename: "naïve.txt" }],
    ['attachment; filename*0="long"; filename*1="name.pdf"', "attachment", { filename: "longname.pdf" }],
  ])("%s", (raw, value, params) => {
    expect(parseParams(raw)).toEqual({ value, params });
  });
});

describe("emulator: threading subject and addresses", () => {
  it.each([
    ["Re: Plan", "plan"],
    ["RE: Fwd: Re:  Plan  B", "plan b"],
    ["AW: Angebot", "angebot"],
  ])("normalizeSubject(%s) = %s", (subject, normalized) => {
    expect(normalizeSubject(subject)).toBe(normalized);
  });

  it("parses address lists with quoted commas and groups", () => {
    expect(parseAddressList('"Doe, Jane" <Jane@Example.com>, bob@example.com, Team: c@example.com;')).toEqual([
      { email: "jane@example.com", name: "Doe, Jane" },
      { email: "bob@example.com", name: "" },
      { email: "c@example.com", name: "" },
    ]);
  });
});
