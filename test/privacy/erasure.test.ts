import { env } from "cloudflare:workers";
import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  attachments,
  contacts,
  conversations,
  erasures,
  idempotencyKeys,
  messages,
  storageDeletions,
  threadBindings,
} from "../../src/db/schema";
import { api, createContact, createLocation, createUser, fetchApi, locationToken, uniqueId } from "../support/api";
import { insertAttachment, insertConversation, insertMessage, testDb } from "../support/rows";

/* R28 erasure of a contact and purge of never-log entries: what goes, what stays, and that nothing comes back. */

const T0 = Date.UTC(2026, 11, 1);

/** A contact with a conversation of `n` messages, each with one attachment whose bytes are in R2. */
async function contactWithMail(loc: string, n: number, email = `${uniqueId("c")}@client.test`) {
  const contact = await createContact(loc, { email });
  const conversation = await insertConversation({ locationId: loc, contactId: contact.id, messageCount: n });
  const rows = [];
  for (let i = 0; i < n; i++) {
    const message = await insertMessage({
      locationId: loc,
      conversationId: conversation.id,
      contactId: contact.id,
      sentAt: T0 + i,
      subject: `secret ${i}`,
      text: "private body",
    });
    const key = `bcc/${loc}/${message.id}/0`;
    await env.ATTACHMENTS.put(key, `bytes of ${message.id}`);
    const attachment = await insertAttachment({
      locationId: loc,
      messageId: message.id,
      storageKey: key,
      filename: "x.txt",
    });
    rows.push({ message, attachment, key });
  }
  await (await testDb(loc))
    .insert(threadBindings)
    .values({
      locationId: loc,
      mailboxAddress: "o@gmail.test",
      gmailThreadId: uniqueId("t"),
      conversationId: conversation.id,
      createdAt: T0,
    })
    .run();
  return { contact, conversation, rows };
}

/** Many messages in one statement (a recursive series), without attachments: for the bounded-steps tests. */
async function bulkMessages(loc: string, contactId: string, conversationId: string, n: number) {
  await (await testDb(loc)).$client
    .prepare(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ? - 1)
    INSERT INTO messages (id, location_id, conversation_id, contact_id, direction, source, from_email, sent_at, status, created_at)
    SELECT 'msg-' || lower(hex(randomblob(8))), ?, ?, ?, 'inbound', 'gmail', 'x@client.test', ? + i, 'received', ? FROM s`)
    .bind(n, loc, conversationId, contactId, T0, T0)
    .run();
}

async function rowsLeft(loc: string) {
  const db = await testDb(loc);
  const n = async (table: typeof messages | typeof attachments | typeof conversations | typeof contacts) =>
    (await db.select({ n: count() }).from(table).where(eq(table.locationId, loc)).get())?.n ?? 0;
  return {
    messages: await n(messages),
    attachments: await n(attachments),
    conversations: await n(conversations),
    contacts: await n(contacts),
  };
}

async function waitForErasure(loc: string, contactId: string, timeoutMs = 20_000) {
  const token = await locationToken(loc);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api<{ erasure: { status: string; removedMessages: number } }>(
      "GET",
      `/v1/locations/${loc}/privacy/erasures/${contactId}`,
      { token },
    );
    if (res.body.erasure.status === "done") return res.body.erasure;
    if (Date.now() > deadline) throw new Error(`erasure still ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("R28: erasure of a contact", () => {
  it("R28: the contact, its conversation, messages, attachments, bindings and R2 bytes are gone; every id answers 404", async () => {
    const loc = await createLocation();
    const token = await locationToken(loc);
    const { contact, conversation, rows } = await contactWithMail(loc, 3);
    const res = await fetchApi("DELETE", `/v1/locations/${loc}/contacts/${contact.id}`, { token });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    const paths = [
      `/v1/locations/${loc}/contacts/${contact.id}`,
      `/v1/locations/${loc}/conversations/${conversation.id}`,
      `/v1/locations/${loc}/conversations/${conversation.id}/messages`,
      ...rows.flatMap((r) => [
        `/v1/locations/${loc}/messages/${r.message.id}`,
        `/v1/locations/${loc}/messages/${r.message.id}/attachments/${r.attachment.id}`,
      ]),
    ];
    for (const path of paths) expect((await api("GET", path, { token })).status, path).toBe(404);
    const lists = await Promise.all(
      [`contacts?email=${contact.email}`, "contacts", `conversations?contactId=${contact.id}`, "conversations"].map(
        (p) => api<Record<string, unknown>>("GET", `/v1/locations/${loc}/${p}`, { token }),
      ),
    );
    for (const list of lists) expect(Object.values(list.body).find(Array.isArray)).toEqual([]);
    for (const r of rows) expect(await env.ATTACHMENTS.get(r.key)).toBeNull();
    expect(await rowsLeft(loc)).toEqual({ messages: 0, attachments: 0, conversations: 0, contacts: 0 });
    expect(
      await (await testDb(loc)).select().from(threadBindings).where(eq(threadBindings.locationId, loc)).all(),
    ).toEqual([]);
    expect(
      await (await testDb(loc)).select().from(storageDeletions).where(eq(storageDeletions.locationId, loc)).all(),
    ).toEqual([]);
    expect(await waitForErasure(loc, contact.id)).toMatchObject({ status: "done", removedMessages: 3 });
    // Final: a second erasure of the same id is simply not found.
    expect((await api("DELETE", `/v1/locations/${loc}/contacts/${contact.id}`, { token })).status).toBe(404);
  });

  it("R28/R23: other contacts of the location and every other location are untouched", async () => {
    const loc = await createLocation();
    const other = await createLocation();
    const email = `${uniqueId("same")}@client.test`;
    const erased = await contactWithMail(loc, 2, email);
    const kept = await contactWithMail(loc, 2);
    const elsewhere = await contactWithMail(other, 2, email);
    expect((await api("DELETE", `/v1/locations/${loc}/contacts/${erased.contact.id}`)).status).toBe(204);
    expect(await rowsLeft(loc)).toEqual({ messages: 2, attachments: 2, conversations: 1, contacts: 1 });
    expect(await rowsLeft(other)).toEqual({ messages: 2, attachments: 2, conversations: 1, contacts: 1 });
    for (const r of [...kept.rows, ...elsewhere.rows]) expect(await env.ATTACHMENTS.get(r.key)).not.toBeNull();
    expect((await api("GET", `/v1/locations/${other}/contacts/${elsewhere.contact.id}`)).status).toBe(200);
  });

  it("R28: a large conversation is erased in bounded steps across invocations (the privacy queue), invisible from the first one", async () => {
    const loc = await createLocation();
    const contact = await createContact(loc, { email: `${uniqueId("big")}@client.test` });
    const conversation = await insertConversation({ locationId: loc, contactId: contact.id });
    await bulkMessages(loc, contact.id, conversation.id, 1_250);
    const [sample] = await (await testDb(loc))
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversation.id))
      .limit(1)
      .all();

    expect((await api("DELETE", `/v1/locations/${loc}/contacts/${contact.id}`)).status).toBe(204);
    // One invocation removes at most 1,000 (5 steps of 200); the rest waits for the queue, unreadable meanwhile.
    const status = await api<{ erasure: { status: string; removedMessages: number } }>(
      "GET",
      `/v1/locations/${loc}/privacy/erasures/${contact.id}`,
    );
    expect(status.body.erasure.removedMessages).toBeLessThanOrEqual(1_000);
    expect((await api("GET", `/v1/locations/${loc}/messages/${sample?.id}`)).status).toBe(404);
    expect(await waitForErasure(loc, contact.id)).toMatchObject({ status: "done", removedMessages: 1_250 });
    expect(await rowsLeft(loc)).toEqual({ messages: 0, attachments: 0, conversations: 0, contacts: 0 });
    const [job] = await (await testDb(loc))
      .select()
      .from(erasures)
      .where(and(eq(erasures.locationId, loc), eq(erasures.contactId, contact.id)))
      .all();
    expect(job?.finishedAt).not.toBeNull();
  });

  it("R28: a repeated DELETE while a large erasure runs continues it (204); once done the id is 404", async () => {
    const loc = await createLocation();
    const contact = await createContact(loc, { email: `${uniqueId("big")}@client.test` });
    const conversation = await insertConversation({ locationId: loc, contactId: contact.id });
    await bulkMessages(loc, contact.id, conversation.id, 1_100);
    expect((await api("DELETE", `/v1/locations/${loc}/contacts/${contact.id}`)).status).toBe(204);
    const again = await api("DELETE", `/v1/locations/${loc}/contacts/${contact.id}`);
    expect([204, 404]).toContain(again.status);
    await waitForErasure(loc, contact.id);
    expect((await api("DELETE", `/v1/locations/${loc}/contacts/${contact.id}`)).status).toBe(404);
  });

  it("R28: idempotent answers that showed the contact's messages are redacted; a repeat sends nothing and answers 404", async () => {
    const loc = await createLocation();
    const userId = await createUser({ locationId: loc, name: "Una" });
    const contact = await createContact(loc, { email: `${uniqueId("c")}@client.test` });
    const token = await locationToken(loc);
    const body = {
      userId,
      contactId: contact.id,
      subject: "Private matter",
      text: "the secret text",
      attachments: [{ filename: "a.txt", contentType: "text/plain", contentBase64: btoa("attached secret") }],
    };
    const headers = { "idempotency-key": uniqueId("key") };
    const sent = await api<{ message: { id: string; attachments: { id: string }[] } }>(
      "POST",
      `/v1/locations/${loc}/messages`,
      { token, body, headers },
    );
    expect(sent.status).toBe(201);
    const [attachmentRow] = await (await testDb(loc))
      .select()
      .from(attachments)
      .where(eq(attachments.messageId, sent.body.message.id))
      .all();
    expect(attachmentRow?.storageKey).toBeTruthy();

    const [before] = await (await testDb(loc))
      .select()
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.locationId, loc))
      .all();
    expect(before).toMatchObject({ state: "done", messageId: sent.body.message.id });
    expect((await api("DELETE", `/v1/locations/${loc}/contacts/${contact.id}`, { token })).status).toBe(204);
    const repeat = await fetchApi("POST", `/v1/locations/${loc}/messages`, { token, body, headers });
    const text = await repeat.text();
    expect(repeat.status).toBe(404);
    expect(text).not.toContain("secret");
    expect(JSON.parse(text)).toMatchObject({ error: { code: "not_found" } });
    const [key] = await (await testDb(loc))
      .select()
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.locationId, loc))
      .all();
    expect(key?.responseBody).not.toContain("secret");
    expect(await env.ATTACHMENTS.get(attachmentRow?.storageKey ?? "")).toBeNull();
    expect(await rowsLeft(loc)).toMatchObject({ messages: 0, attachments: 0 });
  });

  it("R24: erasing an unknown contact is 404 and changes nothing", async () => {
    const loc = await createLocation();
    const kept = await contactWithMail(loc, 1);
    expect(await api("DELETE", `/v1/locations/${loc}/contacts/ct_nope`)).toMatchObject({
      status: 404,
      body: { error: { code: "not_found" } },
    });
    expect(await rowsLeft(loc)).toEqual({ messages: 1, attachments: 1, conversations: 1, contacts: 1 });
    expect((await api("GET", `/v1/locations/${loc}/contacts/${kept.contact.id}`)).status).toBe(200);
  });
});

describe("R28: purge of never-log entries already synced", () => {
  const purge = async (loc: string, body: unknown) =>
    api<{ matched: number; removed: number; remaining: number }>("POST", `/v1/locations/${loc}/privacy/purge`, {
      token: await locationToken(loc),
      body,
    });

  it("R28: the dry run (the default) counts exactly what the real run removes; attachments and bytes go; contacts stay", async () => {
    const loc = await createLocation();
    const domain = `${uniqueId("d")}.test`;
    const a = await contactWithMail(loc, 3, `a@${domain}`);
    const b = await contactWithMail(loc, 2, `x@y-${domain}`);
    const sub = await contactWithMail(loc, 1, `s@sub.${domain}`);
    const kept = await contactWithMail(loc, 2);
    const entries = [`@${domain.toUpperCase()}`, `X@Y-${domain}`];

    const dry = await purge(loc, { entries });
    expect(dry).toMatchObject({ status: 200, body: { matched: 5, removed: 0, remaining: 5 } });
    expect(await rowsLeft(loc)).toMatchObject({ messages: 8, attachments: 8 });

    const real = await purge(loc, { entries, dryRun: false });
    expect(real.body).toEqual({ matched: 5, removed: 5, remaining: 0 });
    expect(real.body.removed).toBe(dry.body.matched);
    for (const r of [...a.rows, ...b.rows]) {
      expect((await api("GET", `/v1/locations/${loc}/messages/${r.message.id}`)).status).toBe(404);
      expect(await env.ATTACHMENTS.get(r.key)).toBeNull();
    }
    for (const r of [...sub.rows, ...kept.rows]) expect(await env.ATTACHMENTS.get(r.key)).not.toBeNull();
    expect(await rowsLeft(loc)).toEqual({ messages: 3, attachments: 3, conversations: 4, contacts: 4 });
    const [conversation] = (
      await api<{ conversations: { messageCount: number }[] }>(
        "GET",
        `/v1/locations/${loc}/conversations?contactId=${a.contact.id}`,
      )
    ).body.conversations;
    expect(conversation?.messageCount).toBe(0);
    expect((await purge(loc, { entries, dryRun: false })).body).toEqual({ matched: 0, removed: 0, remaining: 0 });
  });

  it("R28: a real purge is bounded per request and says what remains; repeating it finishes", async () => {
    const loc = await createLocation();
    const contact = await createContact(loc, { email: `${uniqueId("many")}@client.test` });
    const conversation = await insertConversation({ locationId: loc, contactId: contact.id });
    await bulkMessages(loc, contact.id, conversation.id, 1_150);
    expect((await purge(loc, { entries: [contact.email] })).body).toEqual({
      matched: 1_150,
      removed: 0,
      remaining: 1_150,
    });
    expect((await purge(loc, { entries: [contact.email], dryRun: false })).body).toEqual({
      matched: 1_150,
      removed: 1_000,
      remaining: 150,
    });
    expect((await purge(loc, { entries: [contact.email], dryRun: false })).body).toEqual({
      matched: 150,
      removed: 150,
      remaining: 0,
    });
  });

  it("R28/R23: a purge never reaches another location", async () => {
    const loc = await createLocation();
    const other = await createLocation();
    const email = `${uniqueId("same")}@client.test`;
    await contactWithMail(loc, 1, email);
    await contactWithMail(other, 2, email);
    expect((await purge(loc, { entries: [email], dryRun: false })).body).toEqual({
      matched: 1,
      removed: 1,
      remaining: 0,
    });
    expect(await rowsLeft(other)).toMatchObject({ messages: 2, attachments: 2 });
  });

  it.each([
    ["no entries", { entries: [] }],
    ["an entry that is no address nor @domain", { entries: ["acme.com"] }],
    ["dryRun that is no boolean", { entries: ["@acme.com"], dryRun: "no" }],
    ["1,001 entries", { entries: Array.from({ length: 1001 }, (_, i) => `u${i}@x.test`) }],
  ])("R24: %s is 400 and removes nothing", async (_name, body) => {
    const loc = await createLocation();
    await contactWithMail(loc, 1, "u1@x.test");
    const res = await purge(loc, body);
    expect(res).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    expect(await rowsLeft(loc)).toMatchObject({ messages: 1 });
  });
});
