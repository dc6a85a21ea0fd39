import { describe, expect, it } from "vitest";
import { domainOf, pickContactRecipient } from "../../src/bcc/logging-rules";
import { syntheticMessageId, withoutTraceHeaders } from "../../src/bcc/message-fingerprint";
import { bccTokenOf } from "../../src/bcc/resolve-location";
import type { Address } from "../../src/mail/message-facts";

const a = (email: string, name: string | null = null): Address => ({ email, name });
const USERS = new Map([
  ["owner@agency.example", "u1"],
  ["owner@gmail.example", "u1"],
  ["colleague@agency.example", "u2"],
]);

describe("pickContactRecipient", () => {
  it.each<[string, Address[], Address | null]>([
    ["the only recipient", [a("c@client.example", "C")], a("c@client.example", "C")],
    [
      "users are skipped, CRM email or mailbox",
      [a("colleague@agency.example"), a("owner@gmail.example"), a("c@client.example")],
      a("c@client.example"),
    ],
    ["the first non-user wins", [a("x@client.example"), a("y@client.example")], a("x@client.example")],
    ["the logging address is never a contact", [a("abc@log.crm.test"), a("c@client.example")], a("c@client.example")],
    ["only users and the logging address", [a("owner@agency.example"), a("tok@log.crm.test")], null],
    ["no To at all", [], null],
  ])("R19: %s", (_label, to, expected) => {
    expect(pickContactRecipient(to, USERS, "LOG.crm.test")).toEqual(expected);
  });

  it.each([
    ["a@b.example", "b.example"],
    ["no-at-sign", ""],
    ["odd@sub@host.example", "host.example"],
  ])("domainOf(%s)", (email, domain) => {
    expect(domainOf(email)).toBe(domain);
  });
});

describe("bccTokenOf", () => {
  const token = "abcdefghijklmnopqrstuvwxyz234567";
  it.each<[string, string | null]>([
    [`${token}@log.crm.test`, token],
    [`${token.toUpperCase()}@LOG.CRM.TEST`, token],
    [`<${token}@log.crm.test>`, token],
    [`${token}@elsewhere.example`, null],
    [`${token}@sub.log.crm.test`, null],
    ["short@log.crm.test", null],
    ["a.b+c@log.crm.test", null],
    ["@log.crm.test", null],
    ["", null],
  ])("docs/api.md: %s → %s", (to, expected) => {
    expect(bccTokenOf(to, "log.crm.test")).toBe(expected);
  });
});

describe("syntheticMessageId", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const body = "From: a@b.example\r\nSubject: x\r\n\r\nbody\r\nReceived: not a header, part of the body\r\n";

  it("R22: ignores the trace headers that each delivery attempt adds, folded lines included", async () => {
    const first = enc(`Received: from a\r\n by b; Thu, 26 Nov 2026 10:00:00 +0000\r\nARC-Seal: i=1; t=1\r\n${body}`);
    const retry = enc(
      `Received: from c by d; Thu, 26 Nov 2026 10:09:00 +0000\r\nARC-Seal: i=1; t=2\r\nAuthentication-Results: x; none\r\n${body}`,
    );
    expect(await syntheticMessageId(first, "log.crm.test")).toBe(await syntheticMessageId(retry, "log.crm.test"));
    expect(new TextDecoder().decode(withoutTraceHeaders(first))).toBe(body);
  });

  it("R22: differs when the message itself differs, in its headers or its body", async () => {
    const base = await syntheticMessageId(enc(body), "log.crm.test");
    expect(await syntheticMessageId(enc(body.replace("Subject: x", "Subject: y")), "log.crm.test")).not.toBe(base);
    expect(await syntheticMessageId(enc(body.replace("body", "bodY")), "log.crm.test")).not.toBe(base);
    expect(base).toMatch(/^<bcc\.[0-9a-f]{64}@log\.crm\.test>$/);
  });
});
