import { describe, expect, it } from "vitest";
import {
  decideSenderAuthentication,
  findTrustedResults,
  parseAuthenticationResults,
  type HeaderField,
  type SenderVerdict,
} from "../../src/bcc/authentication-results";

const CF = "mx.cloudflare.net";
const ar = (value: string): HeaderField => ({ key: "authentication-results", value });
const arc = (value: string): HeaderField => ({ key: "arc-authentication-results", value });

describe("parseAuthenticationResults", () => {
  it("reads Cloudflare's ARC header: instance, service id, methods, properties, comments dropped", () => {
    const value =
      "i=1; mx.cloudflare.net;\r\n dkim=pass header.d=example.com header.s=s1 header.b=AbC+/;\r\n" +
      ' dmarc=pass header.from=example.com policy.dmarc=none;\r\n spf=pass (mx.cloudflare.net: domain of\r\n "a;b"@example.com designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@example.com;\r\n arc=none smtp.remote-ip=192.0.2.1';
    expect(parseAuthenticationResults(value, true)).toEqual({
      authservId: "mx.cloudflare.net",
      results: [
        {
          method: "dkim",
          result: "pass",
          properties: { "header.d": "example.com", "header.s": "s1", "header.b": "AbC+/" },
        },
        { method: "dmarc", result: "pass", properties: { "header.from": "example.com", "policy.dmarc": "none" } },
        { method: "spf", result: "pass", properties: { "smtp.mailfrom": "bounce@example.com" } },
        { method: "arc", result: "none", properties: { "smtp.remote-ip": "192.0.2.1" } },
      ],
    });
  });

  it.each<[string, string, boolean, { authservId: string; methods: string[] } | null]>([
    [
      "a version after the service id",
      "MX.Example.NET 1; spf=pass smtp.mailfrom=x.org",
      false,
      { authservId: "mx.example.net", methods: ["spf=pass"] },
    ],
    ["no results at all", "mx.cloudflare.net; none", false, { authservId: "mx.cloudflare.net", methods: [] }],
    [
      "spaces around '=' and upper case",
      "mx.cloudflare.net; DKIM = PASS header.d = Example.com",
      false,
      { authservId: "mx.cloudflare.net", methods: ["dkim=pass"] },
    ],
    [
      "a quoted property value",
      'mx.cloudflare.net; dkim=pass header.i="@example.com"',
      false,
      { authservId: "mx.cloudflare.net", methods: ["dkim=pass"] },
    ],
    [
      "a method version",
      "mx.cloudflare.net; spf/1=fail smtp.mailfrom=example.com",
      false,
      { authservId: "mx.cloudflare.net", methods: ["spf=fail"] },
    ],
    ["an empty value", "", false, null],
    ["an ARC header without its service id", "i=1;", true, null],
    ["a plain header that starts like ARC", "i=1; mx.cloudflare.net; dmarc=pass", false, null],
  ])("%s", (_label, value, isArc, expected) => {
    const parsed = parseAuthenticationResults(value, isArc);
    expect(
      parsed && { authservId: parsed.authservId, methods: parsed.results.map((r) => `${r.method}=${r.result}`) },
    ).toEqual(expected);
  });
});

describe("findTrustedResults", () => {
  it("R20: takes the topmost header of our service id, ARC or not, and ignores the others", () => {
    const headers: HeaderField[] = [
      { key: "received", value: "from x by y" },
      ar("evil.example; dmarc=pass header.from=victim.example"),
      arc("i=1; mx.cloudflare.net; dmarc=fail header.from=victim.example"),
      ar("mx.cloudflare.net; dmarc=pass header.from=victim.example"),
    ];
    expect(findTrustedResults(headers, CF)?.results).toEqual([
      { method: "dmarc", result: "fail", properties: { "header.from": "victim.example" } },
    ]);
  });

  it("R20: no header of our service id → null, whatever other servers claim", () => {
    expect(findTrustedResults([ar("mx.google.com; dmarc=pass header.from=a.example")], CF)).toBeNull();
    expect(findTrustedResults([], CF)).toBeNull();
  });
});

describe("decideSenderAuthentication", () => {
  const results = (line: string) => parseAuthenticationResults(`mx.cloudflare.net; ${line}`, false);
  it.each<[string, string, string, SenderVerdict]>([
    [
      "dmarc=pass for the From domain",
      "dmarc=pass header.from=example.com",
      "example.com",
      { ok: true, value: { method: "dmarc" } },
    ],
    [
      "dmarc=pass, domain in another case",
      "dmarc=pass header.from=EXAMPLE.com",
      "example.com",
      { ok: true, value: { method: "dmarc" } },
    ],
    [
      "spf=pass with the From domain as mail-from",
      "spf=pass smtp.mailfrom=bounce@example.com",
      "example.com",
      { ok: true, value: { method: "spf" } },
    ],
    [
      "spf=pass from a subdomain of the From domain",
      "spf=pass smtp.mailfrom=mail.example.com",
      "example.com",
      { ok: true, value: { method: "spf" } },
    ],
    [
      "dkim=pass signed by the From domain",
      "dkim=pass header.d=example.com",
      "example.com",
      { ok: true, value: { method: "dkim" } },
    ],
    [
      "dkim=pass with only header.i",
      "dkim=pass header.i=@news.example.com",
      "example.com",
      { ok: true, value: { method: "dkim" } },
    ],
    [
      "the second DKIM signature aligns",
      "dkim=pass header.d=esp.example; dkim=pass header.d=example.com",
      "example.com",
      { ok: true, value: { method: "dkim" } },
    ],
  ])("R20 accepts: %s", (_label, line, domain, expected) => {
    expect(decideSenderAuthentication(results(line), domain)).toEqual(expected);
  });

  it.each<[string, string, string, RegExp]>([
    [
      "dmarc=fail despite spf and dkim passing",
      "spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=fail header.from=example.com",
      "example.com",
      /DMARC failed for example\.com/,
    ],
    ["dmarc=pass for another domain", "dmarc=pass header.from=attacker.example", "example.com", /did not pass/],
    ["dmarc=pass naming no domain", "dmarc=pass", "example.com", /did not pass/],
    [
      "spf=pass for the attacker's mail-from",
      "spf=pass smtp.mailfrom=bounce@attacker.example",
      "example.com",
      /did not pass/,
    ],
    ["spf=pass for a look-alike suffix", "spf=pass smtp.mailfrom=evilexample.com", "example.com", /did not pass/],
    ["spf=pass for a parent domain only", "spf=pass smtp.mailfrom=example.com", "sub.example.com", /did not pass/],
    ["dkim=pass by a third party", "dkim=pass header.d=esp.example", "example.com", /did not pass/],
    [
      "softfail, neutral and none",
      "spf=softfail smtp.mailfrom=example.com; dkim=neutral header.d=example.com; dmarc=none header.from=example.com",
      "example.com",
      /\(dmarc=none, spf=softfail, dkim=neutral\)/,
    ],
    ["no results", "none", "example.com", /\(dmarc=none, spf=none, dkim=none\)/],
  ])("R20 refuses: %s", (_label, line, domain, reason) => {
    const verdict = decideSenderAuthentication(results(line), domain);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.error).toMatch(reason);
  });

  it("R20 refuses a message without any verdict of ours", () => {
    expect(decideSenderAuthentication(null, "example.com")).toEqual({
      ok: false,
      error: expect.stringMatching(/No sender authentication results/),
    });
  });
});

describe("parseAuthenticationResults: strict RFC 8601 (R20)", () => {
  const value = (line: string) => `mx.cloudflare.net; ${line}`;

  it("R20: a quoted local part ending in an escaped backslash cannot smuggle a result out of its quotes", () => {
    const header = value(
      'spf=pass smtp.mailfrom="a\\\\"b"; dmarc=pass header.from=victim.example; c"@attacker.example',
    );
    const parsed = parseAuthenticationResults(header, false);
    expect(parsed?.results).toEqual([
      {
        method: "spf",
        result: "pass",
        properties: { "smtp.mailfrom": "a\\b; dmarc=pass header.from=victim.example; c@attacker.example" },
      },
    ]);
    expect(decideSenderAuthentication(parsed, "victim.example").ok).toBe(false);
  });

  it("R20: a comment holding quotes and semicolons is skipped whole", () => {
    const parsed = parseAuthenticationResults(
      value('spf=fail (domain of "x;dmarc=pass header.from=victim.example"@a) smtp.mailfrom=a.example'),
      false,
    );
    expect(parsed?.results).toEqual([{ method: "spf", result: "fail", properties: { "smtp.mailfrom": "a.example" } }]);
  });

  it("R20: one result per method: a second method=result inside a result drops that result", () => {
    const parsed = parseAuthenticationResults(value("spf=fail dmarc=pass header.from=victim.example"), false);
    expect(parsed?.results).toEqual([]);
  });

  it("R20: only known ptype.property keys are kept (smtp, header, body, policy), reason skipped", () => {
    const parsed = parseAuthenticationResults(
      value('dkim=pass reason="good sig" header.d=example.com x.from=victim.example from=victim.example'),
      false,
    );
    expect(parsed?.results).toEqual([]);
    const kept = parseAuthenticationResults(
      value('dkim=pass reason="good sig" header.d=example.com policy.x=y body.z=w'),
      false,
    );
    expect(kept?.results).toEqual([
      { method: "dkim", result: "pass", properties: { "header.d": "example.com", "policy.x": "y", "body.z": "w" } },
    ]);
  });

  it("R20: DMARC or SPF given twice is trusted for neither", () => {
    const parsed = parseAuthenticationResults(
      value("dmarc=fail header.from=victim.example; dmarc=pass header.from=victim.example"),
      false,
    );
    expect(decideSenderAuthentication(parsed, "victim.example")).toEqual({
      ok: false,
      error: expect.stringMatching(/name DMARC or SPF twice/),
    });
  });
});
