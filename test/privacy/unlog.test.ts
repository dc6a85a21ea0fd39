import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storeMessages } from "../../src/db/messages/store";
import { locationDb } from "../../src/db/database";
import { api, createLocation, locationToken } from "../support/api";
import { advanceClock, deliver, PUSH_SPACING_MS, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, messagesOf, pushAndSync, syncNow } from "../sync/support";
import { testDb } from "../support/rows";
import { threadBindings, unloggedThreads } from "../../src/db/schema";
import { and, eq } from "drizzle-orm";

const mail = (prefix: string) => uniqueEmail(prefix, "client.test");

/** An owner, a contact, and a synced Gmail thread of two messages from that contact. */
async function syncedThread() {
  const owner = await connectedOwner();
  const contact = await addContact(owner.locationId, mail("ann"));
  const first = await deliver(owner.address, {
    from: contact.email,
    to: owner.address,
    subject: "Plans",
    text: "first",
  });
  await advanceClock(owner.address, PUSH_SPACING_MS);
  const second = await deliver(owner.address, {
    from: contact.email,
    to: owner.address,
    subject: "Re: Plans",
    text: "second",
    inReplyTo: first.messageId ?? undefined,
    references: [first.messageId ?? ""],
  });
  expect(second.threadId).toBe(first.threadId);
  await pushAndSync(owner.address);
  const stored = await messagesOf(owner.locationId, contact.id);
  expect(stored).toHaveLength(2);
  return { owner, contact, first, stored };
}

const unlog = async (locationId: string, messageId: string) =>
  api<{ removed: number }>("POST", `/v1/locations/${locationId}/messages/${messageId}/unlog`, {
    token: await locationToken(locationId),
    body: {},
  });

describe("R28: un-log a message", () => {
  it("R28: the whole Gmail thread leaves the location; every removed id answers 404; the binding ends", async () => {
    const { owner, contact, first, stored } = await syncedThread();
    const res = await unlog(owner.locationId, stored[1]!.id);
    expect(res).toMatchObject({ status: 200, body: { removed: 2 } });
    const token = await locationToken(owner.locationId);
    for (const message of stored) {
      expect(await api("GET", `/v1/locations/${owner.locationId}/messages/${message.id}`, { token })).toMatchObject({
        status: 404,
        body: { error: { code: "not_found" } },
      });
    }
    expect(await unlog(owner.locationId, stored[0]!.id)).toMatchObject({ status: 404 });
    // The contact and its (now empty) conversation stay: un-log removes mail, not the contact.
    const conversations = await api<{ conversations: { messageCount: number; lastMessageAt: string | null }[] }>(
      "GET",
      `/v1/locations/${owner.locationId}/conversations?contactId=${contact.id}`,
      { token },
    );
    expect(conversations.body.conversations).toEqual([
      expect.objectContaining({ messageCount: 0, lastMessageAt: null }),
    ]);
    const db = await testDb(owner.locationId);
    const binding = await db
      .select()
      .from(threadBindings)
      .where(and(eq(threadBindings.locationId, owner.locationId), eq(threadBindings.gmailThreadId, first.threadId)))
      .all();
    expect(binding).toEqual([]);
    const tombstone = await db
      .select()
      .from(unloggedThreads)
      .where(eq(unloggedThreads.locationId, owner.locationId))
      .all();
    expect(tombstone.map((t) => [t.mailboxAddress, t.gmailThreadId])).toEqual([[owner.address, first.threadId]]);
  });

  it("R28: a later reply in an un-logged thread is not synced, while new threads of the contact still are", async () => {
    const { owner, contact, first, stored } = await syncedThread();
    await unlog(owner.locationId, stored[0]!.id);
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deliver(owner.address, {
      from: contact.email,
      to: owner.address,
      subject: "Re: Plans",
      text: "third",
      inReplyTo: first.messageId ?? undefined,
      references: [first.messageId ?? ""],
    });
    await pushAndSync(owner.address);
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deliver(owner.address, {
      from: contact.email,
      to: owner.address,
      subject: "Something else",
      text: "new thread",
    });
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId, contact.id)).map((m) => m.subject)).toEqual(["Something else"]);
  });

  it("R28/R23: other locations keep their copies and keep syncing the thread", async () => {
    const owner = await connectedOwner();
    const otherLocation = await createLocation();
    await api("PUT", `/v1/locations/${otherLocation}/members/${owner.userId}`, { body: {} });
    const { connectMailbox } = await import("../support/connect");
    await connectMailbox({ account: owner.address, locationId: otherLocation, userId: owner.userId });
    const email = mail("both");
    const here = await addContact(owner.locationId, email);
    const there = await addContact(otherLocation, email);
    const first = await deliver(owner.address, { from: email, to: owner.address, subject: "Fan", text: "one" });
    await pushAndSync(owner.address);
    const [mine] = await messagesOf(owner.locationId, here.id);
    expect(await messagesOf(otherLocation, there.id)).toHaveLength(1);

    expect((await unlog(owner.locationId, mine!.id)).body).toEqual({ removed: 1 });
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deliver(owner.address, {
      from: email,
      to: owner.address,
      subject: "Re: Fan",
      text: "two",
      inReplyTo: first.messageId ?? undefined,
      references: [first.messageId ?? ""],
    });
    await pushAndSync(owner.address);
    expect(await messagesOf(owner.locationId, here.id)).toEqual([]);
    expect((await messagesOf(otherLocation, there.id)).map((m) => m.text?.trim())).toEqual(["one", "two"]);
  });

  it("R28: a sync that routed a message of the thread before the un-log stores nothing after it (checked in the store's batch)", async () => {
    const { owner, contact, first } = await syncedThread();
    const [kept] = await messagesOf(owner.locationId, contact.id);
    await unlog(owner.locationId, kept!.id);
    // Exactly what the sync's store does with a message it routed before the tombstone existed.
    const facts = {
      messageIdHeader: `<late-${crypto.randomUUID()}@x>`,
      from: { email: contact.email, name: null },
      to: [],
      cc: [],
      bcc: [],
      subject: "Re: Plans",
      text: "late",
      html: null,
      sentAt: Date.now(),
      inReplyTo: null,
      references: [],
      attachments: [],
    };
    const gmail = { mailbox: owner.address, messageId: `late-${crypto.randomUUID()}`, threadId: first.threadId };
    const [stored] = await storeMessages(
      await locationDb(env, owner.locationId),
      env.ATTACHMENTS,
      [
        {
          locationId: owner.locationId,
          contactId: contact.id,
          direction: "inbound",
          source: "gmail",
          provider: null,
          status: "received",
          facts,
          gmail,
          bindThread: { mailbox: owner.address, threadId: first.threadId },
        },
      ],
      Date.now(),
    );
    expect(stored).toBeNull();
    expect(await messagesOf(owner.locationId, contact.id)).toEqual([]);
    const binding = await (await testDb(owner.locationId))
      .select()
      .from(threadBindings)
      .where(and(eq(threadBindings.locationId, owner.locationId), eq(threadBindings.gmailThreadId, first.threadId)))
      .all();
    expect(binding).toEqual([]);
  });

  it("R28: un-log racing a sync of the same thread: no message of the thread reappears, whichever commits first", async () => {
    for (let round = 0; round < 3; round++) {
      const { owner, contact, first, stored } = await syncedThread();
      await advanceClock(owner.address, PUSH_SPACING_MS);
      for (let i = 0; i < 5; i++) {
        await deliver(owner.address, {
          from: contact.email,
          to: owner.address,
          subject: "Re: Plans",
          text: `racing ${i}`,
          inReplyTo: first.messageId ?? undefined,
          references: [first.messageId ?? ""],
        });
      }
      const [unlogged] = await Promise.all([unlog(owner.locationId, stored[0]!.id), pushAndSync(owner.address)]);
      expect(unlogged.status).toBe(200);
      await syncNow(owner.address);
      expect(await messagesOf(owner.locationId, contact.id), `round ${round}`).toEqual([]);
    }
  }, 30_000);

  it("R28: a message without Gmail (logged by BCC) leaves alone; its id answers 404", async () => {
    const { insertConversation, insertMessage } = await import("../support/rows");
    const loc = await createLocation();
    const contact = await addContact(loc, mail("b"));
    const conversation = await insertConversation({ locationId: loc, contactId: contact.id });
    const a = await insertMessage({
      locationId: loc,
      conversationId: conversation.id,
      contactId: contact.id,
      source: "bcc",
    });
    const b = await insertMessage({
      locationId: loc,
      conversationId: conversation.id,
      contactId: contact.id,
      source: "bcc",
    });
    expect((await unlog(loc, a.id)).body).toEqual({ removed: 1 });
    expect((await api("GET", `/v1/locations/${loc}/messages/${a.id}`)).status).toBe(404);
    expect((await api("GET", `/v1/locations/${loc}/messages/${b.id}`)).status).toBe(200);
  });

  it("R24: un-log of an unknown message is 404 and a body that is no object is 400; nothing changes", async () => {
    const loc = await createLocation();
    expect(await unlog(loc, "msg_nope")).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    const bad = await api("POST", `/v1/locations/${loc}/messages/msg_nope/unlog`, { body: { extra: 1 } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
  });
});
