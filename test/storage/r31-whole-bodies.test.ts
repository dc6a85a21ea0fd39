import { env, exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contactPrefix, messagePrefix } from "../../src/content/layout";
import { INLINE_BODY_BYTES } from "../../src/content/message-content";
import { locationDb } from "../../src/db/database";
import { storeMessages } from "../../src/db/messages/store";
import { messages } from "../../src/db/schema";
import { MESSAGE_PAGE_BODY_BYTES, rowsWithinBodyBudget } from "../../src/http/message-answer";
import { toGmailMessage } from "../../src/sync/gmail-message";
import { base64Lines, deliver as deliverBcc, mime, provision, trustedResults } from "../bcc/support";
import { connectedSender, newKey, send, sentInGmail } from "../send/support";
import { api, locationToken } from "../support/api";
import { deliver, deliverPushes } from "../support/google";
import { addContact, connectedOwner, messagesOf, pushAndSync, runAlarms, type MessageJson } from "../sync/support";
import { bigBody, utf8Bytes } from "./support";

const MB = 1024 * 1024;

function base64Url(value: string): string {
  const bytes = new TextEncoder().encode(value);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function storedRow(locationId: string, messageId: string) {
  const db = await locationDb(env, locationId);
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.locationId, locationId), eq(messages.id, messageId)))
    .get();
}

async function readMessage(locationId: string, messageId: string): Promise<MessageJson> {
  const res = await api<{ message: MessageJson }>("GET", `/v1/locations/${locationId}/messages/${messageId}`, {
    token: await locationToken(locationId),
  });
  expect(res.status).toBe(200);
  return res.body.message;
}

async function objectKeys(prefix: string): Promise<string[]> {
  const listed = await env.ATTACHMENTS.list({ prefix });
  return listed.objects.map((o) => o.key).sort();
}

/** Equality of two big strings without printing megabytes when they differ. */
function expectSame(actual: string | null | undefined, expected: string, what: string) {
  expect(actual?.length, `${what}: length`).toBe(expected.length);
  expect(actual === expected, `${what}: byte for byte`).toBe(true);
}

describe("R31: whole bodies", () => {
  it("R31: a 3 MB text and a 2 MB html as Gmail answers them are stored whole and read back byte for byte", {
    timeout: 120_000,
  }, async () => {
    // The Gmail sync's own parse and store of messages.get format=full (the full sync path below uses smaller
    // bodies: the test pool's 2 s Google deadline is shorter than the emulator takes to answer 5 MB here).
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId);
    const text = bigBody(3 * MB, "inbound text");
    const html = bigBody(2 * MB, "inbound html", true);
    const part = (partId: string, mimeType: string, body: string) => ({
      partId,
      mimeType,
      headers: [{ name: "Content-Type", value: `${mimeType}; charset=UTF-8` }],
      body: { size: utf8Bytes(body), data: base64Url(body) },
    });
    const parsed = toGmailMessage({
      id: "g-r31-big",
      threadId: "t-r31-big",
      labelIds: ["INBOX"],
      internalDate: String(Date.now()),
      payload: {
        mimeType: "multipart/alternative",
        headers: [
          { name: "From", value: contact.email },
          { name: "To", value: owner.address },
          { name: "Subject", value: "Big one" },
          { name: "Message-ID", value: "<r31-big@client.test>" },
        ],
        parts: [part("0", "text/plain", text), part("1", "text/html", html)],
      },
    });
    if ("error" in parsed) throw new Error(parsed.error);
    const db = await locationDb(env, owner.locationId);
    const [stored] = await storeMessages(
      db,
      env.ATTACHMENTS,
      [
        {
          locationId: owner.locationId,
          contactId: contact.id,
          direction: "inbound",
          source: "gmail",
          provider: null,
          status: "received",
          facts: parsed.facts,
          gmail: { mailbox: owner.address, messageId: "g-r31-big", threadId: "t-r31-big" },
        },
      ],
      Date.now(),
    );

    const [listed, ...rest] = await messagesOf(owner.locationId, contact.id);
    expect(rest).toEqual([]);
    expectSame(listed?.text, text, "listed text");
    expectSame(listed?.html, html, "listed html");
    const one = await readMessage(owner.locationId, stored?.messageId ?? "");
    expectSame(one.text, text, "read text");
    expectSame(one.html, html, "read html");

    // The row keeps pointers under the contact's prefix (R28 erasure finds them there), not the bodies.
    const prefix = messagePrefix(owner.locationId, contact.id, one.id);
    const row = await storedRow(owner.locationId, one.id);
    expect(row).toMatchObject({ text: null, html: null, textKey: `${prefix}text`, htmlKey: `${prefix}html` });
    expect(row?.bodyBytes).toBe(utf8Bytes(text) + utf8Bytes(html));
    expect(await objectKeys(contactPrefix(owner.locationId, contact.id))).toEqual([`${prefix}html`, `${prefix}text`]);
    expect((await env.ATTACHMENTS.head(`${prefix}text`))?.size).toBe(utf8Bytes(text));
  });

  it("R31: bodies too large for a row come through the whole Gmail sync byte for byte", {
    timeout: 120_000,
  }, async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId);
    const text = bigBody(300 * 1024, "synced text");
    const html = bigBody(200 * 1024, "synced html", true);
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Larger than a row", text, html });
    expect((await deliverPushes(owner.address, (request) => exports.default.fetch(request))).statuses).toEqual([204]);
    await runAlarms(owner.address, 100_000);

    const [message] = await messagesOf(owner.locationId, contact.id);
    expectSame(message?.text, text, "text");
    expectSame(message?.html, html, "html");
    const prefix = messagePrefix(owner.locationId, contact.id, message?.id ?? "");
    expect(await storedRow(owner.locationId, message?.id ?? "")).toMatchObject({
      text: null,
      html: null,
      textKey: `${prefix}text`,
    });
  });

  it("R31: a common small message keeps its bodies in its row: nothing in R2, read in one round trip to D1", {
    timeout: 120_000,
  }, async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId);
    const text = bigBody(10 * 1024, "small text");
    const html = bigBody(10 * 1024, "small html", true);
    expect(utf8Bytes(text)).toBeLessThanOrEqual(INLINE_BODY_BYTES);
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Small one", text, html });
    await pushAndSync(owner.address);

    const [message] = await messagesOf(owner.locationId, contact.id);
    expectSame(message?.text, text, "text");
    expectSame(message?.html, html, "html");
    expect(await storedRow(owner.locationId, message?.id ?? "")).toMatchObject({
      text,
      html,
      textKey: null,
      htmlKey: null,
    });
    expect(await objectKeys(contactPrefix(owner.locationId, contact.id))).toEqual([]);
  });

  it("R31: a CRM send with a 2 MB html goes out whole through Gmail, is answered and read back byte for byte", {
    timeout: 120_000,
  }, async () => {
    const sender = await connectedSender();
    const html = bigBody(2 * MB, "crm html", true);
    const res = await send(sender, { subject: "Newsletter", html, text: "Plain version" });
    expect(res.status).toBe(201);
    const answered = res.body.message;
    expectSame(answered.html, html, "answer html");
    expect(answered.text).toBe("Plain version");

    const [copy] = await sentInGmail(sender.address);
    // The MIME carries the html whole (its line breaks as CRLF, as MIME has them).
    expectSame(copy?.html, html.replace(/\r?\n/g, "\r\n"), "Gmail's copy");

    const read = await readMessage(sender.locationId, answered.id);
    expectSame(read.html, html, "read back");
    const prefix = messagePrefix(sender.locationId, sender.contactId, answered.id);
    expect(await objectKeys(contactPrefix(sender.locationId, sender.contactId))).toEqual([`${prefix}html`]);
  });

  it("R31/R25: a repeat of a 2 MB html send with its Idempotency-Key answers the same message whole", {
    timeout: 120_000,
  }, async () => {
    const sender = await connectedSender();
    const html = bigBody(2 * MB, "repeat html", true);
    const key = newKey();
    const first = await send(sender, { subject: "Once", html }, key);
    const again = await send(sender, { subject: "Once", html }, key);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.message.id).toBe(first.body.message.id);
    expectSame(again.body.message.html, html, "replayed html");
    expect(await sentInGmail(sender.address)).toHaveLength(1);
  });

  it("R31: BCC-logged mail with a 3 MB text and a 2 MB html is kept whole", { timeout: 120_000 }, async () => {
    const p = await provision("r31-bcc");
    const text = bigBody(3 * MB, "bcc text");
    const html = bigBody(2 * MB, "bcc html", true);
    const utf8 = (s: string) => new TextEncoder().encode(s);
    const raw = mime(
      [
        trustedResults("agency.example"),
        "From: owner@agency.example",
        "To: client@client.example",
        "Subject: Logged",
        "Message-ID: <r31-bcc@agency.example>",
        'Content-Type: multipart/alternative; boundary="b"',
      ],
      [
        "--b",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        base64Lines(utf8(text)),
        "--b",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        base64Lines(utf8(html)),
        "--b--",
        "",
      ],
    );
    expect((await deliverBcc(raw, { to: p.bccAddress })).rejections).toEqual([]);

    const [message] = await messagesOf(p.locationId);
    expectSame(message?.text, text, "text");
    expectSame(message?.html, html, "html");
    const row = await storedRow(p.locationId, message?.id ?? "");
    expect(row?.textKey).toBe(`${messagePrefix(p.locationId, message?.contactId ?? "", message?.id ?? "")}text`);
  });

  it("R31: a page of large messages ends before its bodies pass the budget; nextCursor reaches every one", {
    timeout: 120_000,
  }, async () => {
    const p = await provision("r31-page");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const text = bigBody(3 * MB, `page ${i}`);
      const raw = mime(
        [
          trustedResults("agency.example"),
          "From: owner@agency.example",
          "To: client@client.example",
          `Subject: Page ${i}`,
          `Message-ID: <r31-page-${i}@agency.example>`,
          `Date: Thu, 26 Nov 2026 10:0${i}:00 +0000`,
          "Content-Type: text/plain; charset=utf-8",
          "Content-Transfer-Encoding: base64",
        ],
        base64Lines(new TextEncoder().encode(text)),
      );
      expect((await deliverBcc(raw, { to: p.bccAddress })).rejections).toEqual([]);
    }
    const token = await locationToken(p.locationId);
    const conversations = await api<{ conversations: { id: string }[] }>(
      "GET",
      `/v1/locations/${p.locationId}/conversations`,
      { token },
    );
    const path = `/v1/locations/${p.locationId}/conversations/${conversations.body.conversations[0]?.id}/messages?limit=50`;
    const first = await api<{ messages: MessageJson[]; nextCursor: string | null }>("GET", path, { token });
    expect(first.body.messages.map((m) => m.subject)).toEqual(["Page 0", "Page 1"]);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await api<{ messages: MessageJson[]; nextCursor: string | null }>(
      "GET",
      `${path}&cursor=${first.body.nextCursor}`,
      { token },
    );
    expect(second.body.messages.map((m) => m.subject)).toEqual(["Page 2"]);
    expect(second.body.nextCursor).toBeNull();
    for (const m of [...first.body.messages, ...second.body.messages]) ids.push(m.id);
    expect(new Set(ids).size).toBe(3);
  });

  it("R31: the page budget always lets the first message through and cuts after the one that passes it", () => {
    const rows = (...sizes: number[]) => sizes.map((bodyBytes) => ({ bodyBytes }));
    expect(rowsWithinBodyBudget(rows(1, 2, 3), 50)).toBe(50);
    expect(rowsWithinBodyBudget(rows(MESSAGE_PAGE_BODY_BYTES * 2, 1), 50)).toBe(1);
    expect(rowsWithinBodyBudget(rows(3 * MB, 3 * MB, 3 * MB, 3 * MB), 50)).toBe(2);
    expect(rowsWithinBodyBudget(rows(3 * MB, 3 * MB, 3 * MB), 2)).toBe(2);
  });
});
