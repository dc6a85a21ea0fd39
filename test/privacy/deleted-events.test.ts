import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events } from "../../src/db/schema";
import { api, createContact, createLocation, createUser, locationToken, uniqueId } from "../support/api";
import { insertConversation, insertMessage, testDb } from "../support/rows";

/* R28 with R29: every removal records message.deleted (ids and reason only) in its own batch; erasure forgets the contact's earlier events. */

const eventsOf = async (loc: string) =>
  (
    await (
      await testDb(loc)
    )
      .select()
      .from(events)
      .where(eq(events.locationId, loc))
      .orderBy(events.createdAt, events.id)
      .all()
  ).map((e) => ({
    type: e.type,
    data: JSON.parse(e.dataJson) as Record<string, unknown>,
    raw: e.dataJson,
  }));

describe("R28/R29: message.deleted", () => {
  it("R29: un-log records message.deleted with reason unlog and the removed ids, never content", async () => {
    const loc = await createLocation();
    const contact = await createContact(loc, { email: `${uniqueId("c")}@client.test` });
    const conversation = await insertConversation({ locationId: loc, contactId: contact.id });
    const thread = uniqueId("t");
    const a = await insertMessage({
      locationId: loc,
      conversationId: conversation.id,
      contactId: contact.id,
      subject: "secret subject",
      gmailMailbox: "o@gmail.test",
      gmailMessageId: uniqueId("g"),
      gmailThreadId: thread,
    });
    const b = await insertMessage({
      locationId: loc,
      conversationId: conversation.id,
      contactId: contact.id,
      subject: "secret subject",
      gmailMailbox: "o@gmail.test",
      gmailMessageId: uniqueId("g"),
      gmailThreadId: thread,
    });
    const res = await api("POST", `/v1/locations/${loc}/messages/${a.id}/unlog`, {
      token: await locationToken(loc),
      body: {},
    });
    expect(res.body).toEqual({ removed: 2 });
    const recorded = await eventsOf(loc);
    expect(recorded.map((e) => e.type)).toEqual(["message.deleted"]);
    expect(recorded[0]?.data).toEqual({
      conversationId: conversation.id,
      messageIds: expect.arrayContaining([a.id, b.id]),
      reason: "unlog",
    });
    expect(recorded[0]?.raw).not.toContain("secret");
  });

  it("R29: purge records message.deleted with reason purge, one per conversation", async () => {
    const loc = await createLocation();
    const domain = `${uniqueId("d")}.test`;
    const ids: string[] = [];
    for (const local of ["a", "b"]) {
      const contact = await createContact(loc, { email: `${local}@${domain}` });
      const conversation = await insertConversation({ locationId: loc, contactId: contact.id });
      ids.push((await insertMessage({ locationId: loc, conversationId: conversation.id, contactId: contact.id })).id);
    }
    await api("POST", `/v1/locations/${loc}/privacy/purge`, { body: { entries: [`@${domain}`], dryRun: false } });
    const recorded = await eventsOf(loc);
    expect(recorded.map((e) => [e.type, e.data.reason])).toEqual([
      ["message.deleted", "purge"],
      ["message.deleted", "purge"],
    ]);
    expect(recorded.flatMap((e) => e.data.messageIds as string[]).sort()).toEqual([...ids].sort());
  });

  it("R28/R29: erasure removes the contact's earlier events (message.created of their mail) and records message.deleted erasure", async () => {
    const loc = await createLocation();
    const userId = await createUser({ locationId: loc });
    const erased = await createContact(loc, { email: `${uniqueId("e")}@client.test` });
    const kept = await createContact(loc, { email: `${uniqueId("k")}@client.test` });
    const token = await locationToken(loc);
    // Sends through the location's provider store the message with its message.created event (R29).
    for (const contactId of [erased.id, kept.id]) {
      const sent = await api("POST", `/v1/locations/${loc}/messages`, {
        token,
        body: { userId, contactId, subject: "private", text: "body" },
      });
      expect(sent.status).toBe(201);
    }
    expect((await eventsOf(loc)).map((e) => e.data.contactId)).toEqual([erased.id, kept.id]);

    expect((await api("DELETE", `/v1/locations/${loc}/contacts/${erased.id}`, { token })).status).toBe(204);
    const after = await eventsOf(loc);
    expect(after.map((e) => [e.type, e.data.contactId ?? e.data.reason])).toEqual([
      ["message.created", kept.id],
      ["message.deleted", "erasure"],
    ]);
    expect(after.some((e) => e.raw.includes(erased.id))).toBe(false);
    const deliveries = await (await testDb(loc)).$client
      .prepare("SELECT count(*) AS n FROM event_deliveries WHERE location_id = ?")
      .bind(loc)
      .first<{ n: number }>();
    expect(deliveries?.n).toBe(0);
  });
});
