import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { insertContact } from "../../src/db/contacts";
import { locationDb } from "../../src/db/database";
import { provisionLocation } from "../../src/db/locations";
import { storeMessages } from "../../src/db/messages/store";
import { runBatch } from "../../src/db/run-batch";
import { eventDeliveries, events, webhooks } from "../../src/db/schema";
import { recordEvent, recordMessageEvents } from "../../src/events/outbox";
import { relayEvents } from "../../src/events/relay";
import { uniqueId } from "../support/api";
import { insertConversation, insertMessage } from "../support/rows";

const NOW = Date.UTC(2026, 11, 4, 12);

/** A provisioned location: its tables live in the database the directory names for it (R31). */
async function newLocation(): Promise<string> {
  return (await provisionLocation(env, uniqueId("loc"), "Outbox test", NOW)).id;
}

async function subscribe(locationId: string, types: string[]) {
  const id = uniqueId("wh");
  await (await locationDb(env, locationId))
    .insert(webhooks)
    .values({
      id,
      locationId,
      url: "https://crm.example/hooks",
      eventsJson: JSON.stringify(types),
      status: "active",
      secretSealed: "{}",
      createdAt: NOW,
      updatedAt: NOW,
    })
    .run();
  return id;
}

const statusChange = (locationId: string) =>
  recordEvent(
    {
      type: "mailbox.status_changed",
      locationId,
      data: { userId: "u1", emailAddress: "owner@gmail.com", status: "needs_reauth", reason: "invalid_grant" },
    },
    NOW,
  );

async function deliveriesOf(locationId: string, eventId: string) {
  return (await locationDb(env, locationId))
    .select()
    .from(eventDeliveries)
    .where(and(eq(eventDeliveries.locationId, locationId), eq(eventDeliveries.eventId, eventId)))
    .all();
}

describe("R29 outbox", () => {
  it("R29: the event commits in the change's batch, with one delivery per endpoint subscribed to its type", async () => {
    const loc = await newLocation();
    const all = await subscribe(loc, ["*"]);
    const mailboxOnly = await subscribe(loc, ["mailbox.status_changed"]);
    await subscribe(loc, ["message.created"]);
    const write = statusChange(loc);
    await runBatch(await locationDb(env, loc), [sql`SELECT 1`, ...write.statements]);

    const [eventId] = write.eventIds as [string];
    const row = await (await locationDb(env, loc)).select().from(events).where(eq(events.id, eventId)).get();
    expect(row).toMatchObject({ locationId: loc, type: "mailbox.status_changed", createdAt: NOW });
    expect(JSON.parse(row?.dataJson ?? "")).toEqual({
      userId: "u1",
      emailAddress: "owner@gmail.com",
      status: "needs_reauth",
      reason: "invalid_grant",
    });
    const deliveries = await deliveriesOf(loc, eventId);
    expect(deliveries.map((d) => d.webhookId).sort()).toEqual([all, mailboxOnly].sort());
    expect(deliveries.every((d) => d.status === "pending" && d.attempts === 0 && d.enqueuedAt === null)).toBe(true);
  });

  it("R29: no event without its change: a batch that fails writes neither", async () => {
    const loc = await newLocation();
    await subscribe(loc, ["*"]);
    const write = statusChange(loc);
    const failing = sql`INSERT INTO members (location_id, user_id, created_at) VALUES (${loc}, 'u', NULL)`;
    await expect(runBatch(await locationDb(env, loc), [...write.statements, failing])).rejects.toThrow();
    const db = await locationDb(env, loc);
    expect(await db.select().from(events).where(eq(events.locationId, loc)).all()).toEqual([]);
    expect(await db.select().from(eventDeliveries).where(eq(eventDeliveries.locationId, loc)).all()).toEqual([]);
  });

  it("R29: onlyIf decides inside the batch; a message event exists only for a message row that exists", async () => {
    const loc = await newLocation();
    await subscribe(loc, ["*"]);
    const conversation = await insertConversation({ locationId: loc, contactId: "ct_1" });
    const message = await insertMessage({ locationId: loc, conversationId: conversation.id, contactId: "ct_1" });
    const skipped = recordEvent({ type: "contact.created", locationId: loc, data: { contactId: "ct_1" } }, NOW, {
      onlyIf: sql`0`,
    });
    const messageEvents = recordMessageEvents("message.created", loc, [message.id, "msg_never_stored"], NOW);
    await runBatch(await locationDb(env, loc), [...skipped.statements, ...messageEvents.statements]);

    const rows = await (await locationDb(env, loc)).select().from(events).where(eq(events.locationId, loc)).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toBe(messageEvents.eventIds[0]);
    expect(JSON.parse(rows[0]?.dataJson ?? "")).toEqual({
      messageId: message.id,
      conversationId: conversation.id,
      contactId: "ct_1",
    });
    expect(await deliveriesOf(loc, messageEvents.eventIds[1] as string)).toEqual([]);
  });

  it("R23: an event fans out only to its own location's endpoints", async () => {
    const a = await newLocation();
    const b = await newLocation();
    const endpointA = await subscribe(a, ["*"]);
    await subscribe(b, ["*"]);
    const write = statusChange(a);
    await runBatch(await locationDb(env, a), write.statements);
    const deliveries = await deliveriesOf(a, write.eventIds[0] as string);
    expect(deliveries.map((d) => d.webhookId)).toEqual([endpointA]);
  });

  it("R29: relayEvents hands the committed deliveries to the queue and marks them handed over", async () => {
    const loc = await newLocation();
    await subscribe(loc, ["*"]);
    await subscribe(loc, ["*"]);
    const write = statusChange(loc);
    const db = await locationDb(env, loc);
    await runBatch(db, write.statements);
    await relayEvents(env, db, loc, [...write.eventIds, "evt_not_committed"], NOW + 5);
    const deliveries = await deliveriesOf(loc, write.eventIds[0] as string);
    expect(deliveries).toHaveLength(2);
    expect(deliveries.every((d) => d.enqueuedAt === NOW + 5)).toBe(true);
  });

  it("R29: storeMessages writes message.created with each message it stores, and none for a repeat", async () => {
    const loc = await newLocation();
    const db = await locationDb(env, loc);
    const contact = await insertContact(
      db,
      { locationId: loc, email: "c@example.com", name: null, assignedUserId: null },
      NOW,
    );
    const item = {
      locationId: loc,
      contactId: contact.id,
      direction: "inbound" as const,
      source: "bcc" as const,
      provider: null,
      status: "received" as const,
      facts: {
        messageIdHeader: `<${crypto.randomUUID()}@example.com>`,
        from: { email: "c@example.com", name: null },
        to: [],
        cc: [],
        bcc: [],
        subject: "s",
        text: "t",
        html: null,
        sentAt: NOW,
        inReplyTo: null,
        references: [],
        attachments: [],
      },
    };
    const [first] = await storeMessages(db, env.ATTACHMENTS, [item], NOW);
    const [again] = await storeMessages(db, env.ATTACHMENTS, [item], NOW + 1);
    expect(again).toMatchObject({ created: false, eventId: null });
    const rows = await db.select().from(events).where(eq(events.locationId, loc)).all();
    expect(rows.map((r) => [r.id, r.type, JSON.parse(r.dataJson).messageId])).toEqual([
      [first?.eventId, "message.created", first?.messageId],
    ]);
  });
});
