import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { logBccMessage } from "../../src/bcc/log-message";
import { getLocation } from "../../src/db/locations";
import { directoryDb } from "../../src/db/database";
import calendarEvent from "../fixtures/eml/calendar-event.eml?raw";
import { BCC_DOMAIN, deliver, mime, NOW, provision, snapshotLocation, trustedResults } from "./support";

function email(headers: string[], from = "Olive Owner <owner@agency.example>", to = "client@client.example"): string {
  return mime(
    [
      ...headers,
      `From: ${from}`,
      `To: ${to}`,
      "Subject: Logged?",
      `Message-ID: <${crypto.randomUUID()}@agency.example>`,
      "Content-Type: text/plain",
    ],
    "body",
  );
}

async function expectNothingStored(locationId: string) {
  const snap = await snapshotLocation(locationId);
  expect({
    contacts: snap.contacts.length,
    conversations: snap.conversations.length,
    messages: snap.messages.length,
  }).toEqual({
    contacts: 0,
    conversations: 0,
    messages: 0,
  });
}

describe("email handler: who may log (R20)", () => {
  it("R20: refuses a sender who is not a user of the location, even authenticated", async () => {
    const p = await provision("s1");
    const raw = email([trustedResults("agency.example")], "Stranger <stranger@agency.example>");
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([
      "The sender is not a user of this location: only its users can log email here.",
    ]);
    await expectNothingStored(p.locationId);
  });

  it("R20/R23: a user of another location cannot log into this one", async () => {
    const mine = await provision("s2a");
    const theirs = await provision("s2b", { domain: "other.example" });
    const raw = email([trustedResults("other.example")], `owner@other.example`);
    expect((await deliver(raw, { to: mine.bccAddress })).rejections).toEqual([
      "The sender is not a user of this location: only its users can log email here.",
    ]);
    await expectNothingStored(mine.locationId);
    await expectNothingStored(theirs.locationId);
  });

  it("R20: refuses a forged From of a user when DMARC fails, whatever SPF and DKIM say", async () => {
    const p = await provision("s3");
    const verdict =
      "spf=pass smtp.mailfrom=agency.example; dkim=pass header.d=agency.example; dmarc=fail header.from=agency.example";
    const raw = email([trustedResults("agency.example", verdict)]);
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([
      "DMARC failed for agency.example: the From address may be forged.",
    ]);
    await expectNothingStored(p.locationId);
  });

  it("R20: refuses a message without authentication results", async () => {
    const p = await provision("s4");
    expect((await deliver(email([]), { to: p.bccAddress })).rejections).toEqual([
      "No sender authentication results from the receiving server; the message cannot be trusted.",
    ]);
    await expectNothingStored(p.locationId);
  });

  it("R20: a passing verdict the sender wrote below our server's failing one does not count", async () => {
    const p = await provision("s5");
    const raw = email([
      trustedResults("agency.example", "spf=fail smtp.mailfrom=agency.example; dmarc=none header.from=agency.example"),
      "Authentication-Results: mx.cloudflare.net; dmarc=pass header.from=agency.example",
    ]);
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([
      "Sender authentication did not pass for agency.example (dmarc=none, spf=fail, dkim=none).",
    ]);
    await expectNothingStored(p.locationId);
  });

  it.each([
    ["another receiving server", "Authentication-Results: mx.google.com; dmarc=pass header.from=agency.example"],
    [
      "a look-alike service id",
      "Authentication-Results: mx.cloudflare.net.evil.example; dmarc=pass header.from=agency.example",
    ],
    [
      "an ARC set of another service",
      "ARC-Authentication-Results: i=1; mx.cloudflare.net-relay.example; dmarc=pass header.from=agency.example",
    ],
  ])("R20: a passing verdict under %s is ignored", async (_label, header) => {
    const p = await provision(`s6-${crypto.randomUUID().slice(0, 8)}`);
    expect((await deliver(email([header]), { to: p.bccAddress })).rejections).toEqual([
      "No sender authentication results from the receiving server; the message cannot be trusted.",
    ]);
    await expectNothingStored(p.locationId);
  });

  it("R20: a real message's genuine verdict counts only when it is our configured service's", async () => {
    const p = await provision("s7", { ownerEmail: "andris@postalsys.com" });
    const raw = new TextEncoder().encode(calendarEvent);
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([
      "No sender authentication results from the receiving server; the message cannot be trusted.",
    ]);
    await expectNothingStored(p.locationId);

    // The same bytes, trusted when the deployment names mx.ethereal.email as its receiving server.
    const location = await getLocation(directoryDb(env), p.locationId);
    if (!location) throw new Error("location missing");
    const outcome = await logBccMessage(
      { env, config: { BCC_DOMAIN, BCC_AUTHSERV_ID: "mx.ethereal.email" }, now: NOW },
      location,
      raw,
    );
    expect(outcome).toMatchObject({ ok: true, value: { created: true } });
  });
});

describe("email handler: addresses and sizes (R19, R20)", () => {
  it.each([
    ["an unknown token", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz@log.crm.test"],
    ["a token at another domain", null],
    ["a local part that cannot be a token", "../../etc@log.crm.test"],
  ])("R19: refuses %s", async (_label, to) => {
    const p = await provision(`a1-${crypto.randomUUID().slice(0, 8)}`);
    const target = to ?? `${p.token}@elsewhere.example`;
    expect((await deliver(email([trustedResults("agency.example")]), { to: target })).rejections).toEqual([
      "Unknown logging address.",
    ]);
    await expectNothingStored(p.locationId);
  });

  it("R19: refuses an email whose To holds only users and the logging address", async () => {
    const p = await provision("a2");
    const raw = email(
      [trustedResults("agency.example")],
      "owner@agency.example",
      `colleague@agency.example, ${p.bccAddress}`,
    );
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([
      "No To recipient is outside the location's users: there is no contact to log this email for.",
    ]);
    await expectNothingStored(p.locationId);
  });

  it("R19: a contact only in Cc is no reason to log", async () => {
    const p = await provision("a3");
    const raw = mime(
      [
        trustedResults("agency.example"),
        "From: owner@agency.example",
        "To: colleague@agency.example",
        "Cc: client@client.example",
        "Content-Type: text/plain",
      ],
      "x",
    );
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([
      "No To recipient is outside the location's users: there is no contact to log this email for.",
    ]);
    await expectNothingStored(p.locationId);
  });

  it("R20: refuses a message declared over 25 MiB before reading it", async () => {
    const p = await provision("a4");
    const { rejections } = await deliver(email([trustedResults("agency.example")]), {
      to: p.bccAddress,
      rawSize: 25 * 1024 * 1024 + 1,
    });
    expect(rejections).toEqual(["Message too large: the logging address accepts at most 26214400 bytes (25 MiB)."]);
    await expectNothingStored(p.locationId);
  });

  it("R20: refuses a message whose stream runs past 25 MiB whatever its declared size", async () => {
    const p = await provision("a5");
    const head = new TextEncoder().encode(email([trustedResults("agency.example")]));
    const raw = new Uint8Array(25 * 1024 * 1024 + 10).fill(0x61);
    raw.set(head, 0);
    const { rejections } = await deliver(raw, { to: p.bccAddress, rawSize: 1000 });
    expect(rejections).toEqual(["Message too large: the logging address accepts at most 26214400 bytes (25 MiB)."]);
    await expectNothingStored(p.locationId);
  });

  it("R20: a message without a readable From is refused", async () => {
    const p = await provision("a6");
    const raw = mime(
      [trustedResults("agency.example"), "From: undisclosed", "To: client@client.example", "Content-Type: text/plain"],
      "x",
    );
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([
      "The message has no readable From address.",
    ]);
    await expectNothingStored(p.locationId);
  });
});

/** A multipart/mixed body of `parts` empty text parts. */
function manyParts(parts: number): string {
  const body = `${"--b\r\nContent-Type: text/plain\r\n\r\n\r\n".repeat(parts)}--b--\r\n`;
  return body;
}

/** `depth` multiparts nested one in the other: postal-mime refuses more than 50 levels. */
function deeplyNested(depth: number): string {
  let body = "--b0\r\nContent-Type: text/plain\r\n\r\nleaf\r\n--b0--\r\n";
  for (let level = 1; level < depth; level += 1) {
    body = `--b${level}\r\nContent-Type: multipart/mixed; boundary=b${level - 1}\r\n\r\n${body}--b${level}--\r\n`;
  }
  return body;
}

describe("email handler: the sender before the body (reading 13)", () => {
  const headers = (from: string, boundary: string) => [
    trustedResults("agency.example"),
    `From: ${from}`,
    "To: client@client.example",
    "Subject: parts",
    `Message-ID: <${crypto.randomUUID()}@agency.example>`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary=${boundary}`,
  ];

  it("reading 13: a stranger's mail is refused for its sender; its body, unparseable, is never read", async () => {
    const p = await provision("s13a");
    const raw = mime(headers("Stranger <stranger@agency.example>", "b59"), deeplyNested(60));
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([
      "The sender is not a user of this location: only its users can log email here.",
    ]);
    // The same body from a user is read, and refused for what it is.
    const fromUser = mime(headers("Olive Owner <owner@agency.example>", "b59"), deeplyNested(60));
    expect((await deliver(fromUser, { to: p.bccAddress })).rejections).toEqual([
      expect.stringMatching(/^The message could not be parsed: Maximum MIME nesting depth/),
    ]);
    await expectNothingStored(p.locationId);
  });

  it("reading 13: more than 1,000 MIME parts are refused with a reason; 1,000 are logged", async () => {
    const p = await provision("s13b");
    const over = mime(headers("owner@agency.example", "b"), manyParts(1_000));
    expect((await deliver(over, { to: p.bccAddress })).rejections).toEqual([
      "The message has more than 1000 MIME parts, the most accepted.",
    ]);
    await expectNothingStored(p.locationId);
    const limit = mime(headers("owner@agency.example", "b"), manyParts(999));
    expect((await deliver(limit, { to: p.bccAddress })).rejections).toEqual([]);
    expect((await snapshotLocation(p.locationId)).messages).toHaveLength(1);
  });

  it("reading 13: 300,000 empty parts (2.6 MB) from a user are refused on their count, never built", async () => {
    const p = await provision("s13c");
    const raw = mime(headers("owner@agency.example", "b"), `${"--b\r\n\r\n".repeat(300_000)}--b--\r\n`);
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([
      "The message has more than 1000 MIME parts, the most accepted.",
    ]);
    await expectNothingStored(p.locationId);
  });
});
