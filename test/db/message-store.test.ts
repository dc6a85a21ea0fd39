import { env } from "cloudflare:workers";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { insertContact } from "../../src/db/contacts";
import { locationDb } from "../../src/db/database";
import { provisionLocation } from "../../src/db/locations";
import { contactPrefix, messagePrefix } from "../../src/content/layout";
import { storeMessages, type StoreMessageInput } from "../../src/db/messages/store";
import { attachments, conversations, messages, threadBindings } from "../../src/db/schema";
import type { AttachmentFacts, MessageFacts } from "../../src/mail/message-facts";

const NOW = Date.UTC(2026, 10, 26, 10);
let seq = 0;

function facts(overrides: Partial<MessageFacts> = {}): MessageFacts {
  seq += 1;
  return {
    messageIdHeader: `<m${seq}.${crypto.randomUUID()}@mail.example>`,
    from: { email: "owner@crm.example", name: "Owner" },
    to: [{ email: "client@example.com", name: "Client" }],
    cc: [],
    bcc: [],
    subject: `Subject ${seq}`,
    text: "hello",
    html: "<p>hello</p>",
    sentAt: NOW - 60_000,
    inReplyTo: null,
    references: [],
    attachments: [],
    ...overrides,
  };
}

function attachment(i: number): AttachmentFacts {
  return {
    filename: `f${i}.txt`,
    contentType: "text/plain",
    size: i + 1,
    inline: false,
    contentId: null,
    gmailPartId: null,
    content: null,
  };
}

async function setup(locationId: string) {
  await provisionLocation(env, locationId, locationId, NOW);
  const db = await locationDb(env, locationId);
  const contact = await insertContact(
    db,
    { locationId, email: "client@example.com", name: "Client", assignedUserId: null },
    NOW,
  );
  const item = (overrides: Partial<StoreMessageInput> = {}): StoreMessageInput => ({
    locationId,
    contactId: contact.id,
    direction: "outbound",
    source: "bcc",
    provider: null,
    status: "received",
    facts: facts(),
    ...overrides,
  });
  const rows = () => db.select().from(messages).where(eq(messages.locationId, locationId)).all();
  const conversation = (contactId = contact.id) =>
    db
      .select()
      .from(conversations)
      .where(and(eq(conversations.locationId, locationId), eq(conversations.contactId, contactId)))
      .get();
  const attachmentRows = (messageId: string) =>
    db
      .select()
      .from(attachments)
      .where(and(eq(attachments.locationId, locationId), eq(attachments.messageId, messageId)))
      .orderBy(asc(attachments.position))
      .all();
  return { db, contact, item, rows, conversation, attachmentRows };
}

const gmail = (messageId: string, threadId = "t-1") => ({ mailbox: "owner@gmail.example", messageId, threadId });

describe("storeMessages", () => {
  it("R22: the same input twice stores one row and exact counters", async () => {
    const { db, item, rows, conversation } = await setup("ms-loc-1");
    const input = item({ facts: facts({ attachments: [{ ...attachment(0), content: new Uint8Array([1, 2, 3]) }] }) });

    const [first] = await storeMessages(db, env.ATTACHMENTS, [input], NOW);
    const [second] = await storeMessages(db, env.ATTACHMENTS, [input], NOW + 1);

    expect(first?.created).toBe(true);
    expect(second).toEqual({ ...first, created: false, eventId: null });
    expect(await rows()).toHaveLength(1);
    const conv = await conversation();
    expect(conv).toMatchObject({
      id: first?.conversationId,
      messageCount: 1,
      lastMessageAt: input.facts.sentAt,
      createdAt: NOW,
    });
  });

  it("stores every field of the facts, JSON address lists included", async () => {
    const { db, item, rows } = await setup("ms-loc-2");
    const f = facts({ cc: [{ email: "cc@example.com", name: null }], bcc: [{ email: "b@example.com", name: "B" }] });
    await storeMessages(
      db,
      env.ATTACHMENTS,
      [item({ source: "crm", provider: "gmail", status: "sending", facts: f, gmail: gmail("g-2", "t-2") })],
      NOW,
    );

    expect(await rows()).toEqual([
      expect.objectContaining({
        direction: "outbound",
        source: "crm",
        provider: "gmail",
        status: "sending",
        fromEmail: "owner@crm.example",
        fromName: "Owner",
        toJson: JSON.stringify(f.to),
        ccJson: JSON.stringify(f.cc),
        bccJson: JSON.stringify(f.bcc),
        subject: f.subject,
        text: "hello",
        html: "<p>hello</p>",
        sentAt: f.sentAt,
        messageIdHeader: f.messageIdHeader,
        gmailMailbox: "owner@gmail.example",
        gmailMessageId: "g-2",
        gmailThreadId: "t-2",
        createdAt: NOW,
      }),
    ]);
  });

  it("R21: a Message-ID stored by Gmail sync is not stored again by BCC logging, and vice versa", async () => {
    const { db, item, rows, conversation } = await setup("ms-loc-3");
    const shared = facts();
    const [fromGmail] = await storeMessages(
      db,
      env.ATTACHMENTS,
      [item({ source: "gmail", facts: shared, gmail: gmail("g-3") })],
      NOW,
    );
    const [fromBcc] = await storeMessages(
      db,
      env.ATTACHMENTS,
      [item({ source: "bcc", facts: { ...shared, subject: "other copy" } })],
      NOW,
    );

    const later = facts();
    const [bccFirst] = await storeMessages(db, env.ATTACHMENTS, [item({ source: "bcc", facts: later })], NOW);
    const [gmailAfter] = await storeMessages(
      db,
      env.ATTACHMENTS,
      [item({ source: "gmail", facts: later, gmail: gmail("g-3b") })],
      NOW,
    );

    expect(fromBcc).toEqual({ ...fromGmail, created: false, eventId: null });
    expect(gmailAfter).toEqual({ ...bccFirst, created: false, eventId: null });
    expect((await rows()).map((r) => r.source).sort()).toEqual(["bcc", "gmail"]);
    expect((await conversation())?.messageCount).toBe(2);
  });

  it("R15: a Gmail id already stored is not stored again, even under another Message-ID", async () => {
    const { db, item, rows } = await setup("ms-loc-4");
    const [first] = await storeMessages(db, env.ATTACHMENTS, [item({ source: "gmail", gmail: gmail("g-4") })], NOW);
    const [echo] = await storeMessages(
      db,
      env.ATTACHMENTS,
      [item({ source: "gmail", gmail: gmail("g-4"), facts: facts({ messageIdHeader: null }) })],
      NOW,
    );

    expect(echo).toEqual({ ...first, created: false, eventId: null });
    expect(await rows()).toHaveLength(1);
  });

  it("R22: a duplicate's attachments are not added to the stored copy, and its R2 objects are removed again", async () => {
    const { db, item, contact, attachmentRows } = await setup("ms-loc-5");
    const kept = (i: number) => ({ ...attachment(i), content: new TextEncoder().encode(`content ${i}`) });
    const f = facts({ attachments: [kept(0), kept(1)] });
    const [first] = await storeMessages(db, env.ATTACHMENTS, [item({ facts: f })], NOW);
    await storeMessages(
      db,
      env.ATTACHMENTS,
      [item({ facts: { ...f, attachments: [kept(5), kept(6), kept(7)] } })],
      NOW,
    );

    const prefix = messagePrefix("ms-loc-5", contact.id, first?.messageId ?? "");
    const stored = await attachmentRows(first?.messageId ?? "");
    expect(stored.map((a) => [a.filename, a.storageKey, a.position])).toEqual([
      ["f0.txt", `${prefix}att/0`, 0],
      ["f1.txt", `${prefix}att/1`, 1],
    ]);
    const objects = await env.ATTACHMENTS.list({ prefix: contactPrefix("ms-loc-5", contact.id) });
    expect(objects.objects.map((o) => o.key).sort()).toEqual([`${prefix}att/0`, `${prefix}att/1`]);
    expect(await (await env.ATTACHMENTS.get(`${prefix}att/1`))?.text()).toBe("content 1");
  });

  it("R17: a message with 60 attachments is stored whole under D1's parameter limit", async () => {
    const { db, item, attachmentRows } = await setup("ms-loc-6");
    const list = Array.from({ length: 60 }, (_, i) => ({
      ...attachment(i),
      inline: i % 2 === 0,
      contentId: i % 2 === 0 ? `c${i}@x` : null,
    }));
    const withContent = list.map((a, i) => (i === 59 ? { ...a, content: new Uint8Array(60) } : a));
    const [stored] = await storeMessages(
      db,
      env.ATTACHMENTS,
      [item({ facts: facts({ attachments: withContent }) })],
      NOW,
    );

    const rows = await attachmentRows(stored?.messageId ?? "");
    expect(rows).toHaveLength(60);
    expect(rows[59]).toMatchObject({ filename: "f59.txt", size: 60, position: 59, inline: false, contentId: null });
    expect(rows[59]?.storageKey).toMatch(/^loc\/ms-loc-6\/contact\/[^/]+\/msg\/[^/]+\/att\/59$/);
    expect(rows[58]?.storageKey).toBeNull();
    expect(rows[58]).toMatchObject({ inline: true, contentId: "c58@x", locationId: "ms-loc-6" });
  });

  it("R22: one batch of several messages, a duplicate within it, counts each conversation exactly", async () => {
    const { db, item, contact, conversation } = await setup("ms-loc-7");
    const other = await insertContact(
      db,
      { locationId: "ms-loc-7", email: "o@example.com", name: null, assignedUserId: null },
      NOW,
    );
    const a = facts({ sentAt: NOW - 5000 });
    const b = facts({ sentAt: NOW - 1000 });
    const result = await storeMessages(
      db,
      env.ATTACHMENTS,
      [
        item({ facts: a }),
        item({ facts: b }),
        item({ contactId: other.id, facts: { ...a } }),
        item({ contactId: other.id, facts: facts({ sentAt: NOW - 9000 }) }),
      ],
      NOW,
    );

    expect(result.map((r) => r?.created)).toEqual([true, true, false, true]);
    expect(result[2]?.messageId).toBe(result[0]?.messageId);
    expect(await conversation(contact.id)).toMatchObject({ messageCount: 2, lastMessageAt: NOW - 1000 });
    expect(await conversation(other.id)).toMatchObject({ messageCount: 1, lastMessageAt: NOW - 9000 });
  });

  it("R21: a duplicate for a contact without a conversation creates no empty conversation", async () => {
    const { db, item, conversation } = await setup("ms-loc-8");
    const fresh = await insertContact(
      db,
      { locationId: "ms-loc-8", email: "new@example.com", name: null, assignedUserId: null },
      NOW,
    );
    const f = facts();
    const [first] = await storeMessages(db, env.ATTACHMENTS, [item({ facts: f })], NOW);
    const [dup] = await storeMessages(db, env.ATTACHMENTS, [item({ contactId: fresh.id, facts: f })], NOW);

    expect(dup).toEqual({ ...first, created: false, eventId: null });
    expect(first?.contactId).not.toBe(fresh.id);
    expect(await conversation(fresh.id)).toBeUndefined();
  });

  it("R11/R14: binds the thread once, keeps an ended binding ended, and a take-over re-binds it", async () => {
    const { db, item } = await setup("ms-loc-9");
    const binding = () => db.select().from(threadBindings).where(eq(threadBindings.locationId, "ms-loc-9")).get();
    const bind = { mailbox: "owner@gmail.example", threadId: "t-9" };
    const [first] = await storeMessages(
      db,
      env.ATTACHMENTS,
      [item({ source: "gmail", gmail: gmail("g-9a", "t-9"), bindThread: bind })],
      NOW,
    );
    expect(await binding()).toMatchObject({
      conversationId: first?.conversationId,
      gmailThreadId: "t-9",
      endedAt: null,
      createdAt: NOW,
    });

    await db
      .update(threadBindings)
      .set({ endedAt: NOW + 1 })
      .where(eq(threadBindings.locationId, "ms-loc-9"))
      .run();
    await storeMessages(
      db,
      env.ATTACHMENTS,
      [item({ source: "gmail", gmail: gmail("g-9b", "t-9"), bindThread: bind })],
      NOW + 2,
    );
    expect((await binding())?.endedAt).toBe(NOW + 1);

    await storeMessages(
      db,
      env.ATTACHMENTS,
      [
        item({
          source: "crm",
          provider: "gmail",
          gmail: gmail("g-9c", "t-9"),
          bindThread: { ...bind, takeOver: true },
        }),
      ],
      NOW + 3,
    );
    expect(await binding()).toMatchObject({ conversationId: first?.conversationId, endedAt: null });
  });

  it("refuses items of several locations in one call (one call writes one location's database)", async () => {
    const { db, item } = await setup("ms-loc-10");
    await expect(
      storeMessages(db, env.ATTACHMENTS, [item(), { ...item(), locationId: "ms-other" }], NOW),
    ).rejects.toThrow(/same location/);
  });
});
