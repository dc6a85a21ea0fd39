import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { mailboxStub } from "../../src/mailbox/stub";
import { WATCH_FAILURES_VISIBLE } from "../../src/sync/watch-renewal";
import { deliver as deliverBcc, mime, provision, trustedResults } from "../bcc/support";
import { connectedSender, send } from "../send/support";
import { connectMailbox, disconnectMailbox, provisionMember, runCron } from "../support/connect";
import { advanceClock, createAccount, deliver, failNext, revoke, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, pushAndSync, syncNow } from "../sync/support";
import { eventsOf, subscribe, verified, waitForReceived, type EventJson } from "./support";

const mail = (prefix: string) => uniqueEmail(prefix, "client.test");
const HOUR = 60 * 60 * 1000;

/** Every event the endpoint received, verified, in order of receipt. */
async function verifiedEvents(host: string, secret: string, count: number): Promise<EventJson[]> {
  return (await waitForReceived(host, count)).map((request) => verified(request, secret));
}

describe("R29: each event type from its real cause, delivered signed", () => {
  it("R29: a synced message gives message.created, signed (Standard Webhooks), without text or html", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("ann"));
    const { secret, host } = await subscribe(owner.locationId, { events: ["message.created"] });
    const sent = await deliver(owner.address, {
      from: contact.email,
      to: owner.address,
      subject: "Hello",
      text: "secret body",
    });
    await pushAndSync(owner.address);

    const [request, ...more] = await waitForReceived(host, 1);
    expect(more).toEqual([]);
    const event = verified(request!, secret);
    expect(event).toMatchObject({ type: "message.created", locationId: owner.locationId });
    expect(event.id).toMatch(/^evt_/);
    expect(request?.headers["webhook-id"]).toBe(event.id);
    expect(request?.headers["content-type"]).toBe("application/json");
    const message = event.data.message as Record<string, unknown>;
    expect(message).toMatchObject({
      contactId: contact.id,
      source: "gmail",
      subject: "Hello",
      gmail: { messageId: sent.id },
    });
    expect(message).not.toHaveProperty("text");
    expect(message).not.toHaveProperty("html");
    expect(request?.body).not.toContain("secret body");
    // The same event, read back.
    expect(await eventsOf(owner.locationId, "&type=message.created")).toEqual([event]);
  });

  it("R29: a message sent from the CRM gives message.created with source crm", async () => {
    const sender = await connectedSender();
    const { secret, host } = await subscribe(sender.locationId, { events: ["message.created"] });
    const answer = await send(sender, { subject: "Offer", text: "Hi" });
    expect(answer.status).toBe(201);
    const [event] = await verifiedEvents(host, secret, 1);
    expect(event?.data.message).toMatchObject({
      id: answer.body.message.id,
      source: "crm",
      provider: "gmail",
      direction: "outbound",
    });
  });

  it("R29: mail to the BCC address gives contact.created for the new contact, then message.created", async () => {
    const p = await provision(`ev-bcc-${crypto.randomUUID().slice(0, 6)}`);
    const { secret, host } = await subscribe(p.locationId);
    const raw = mime(
      [
        trustedResults("agency.example"),
        "From: Olive Owner <owner@agency.example>",
        "To: Carla <carla@client.example>",
        "Subject: Proposal",
        `Message-ID: <${crypto.randomUUID()}@agency.example>`,
        "MIME-Version: 1.0",
        "Content-Type: text/plain",
      ],
      "Hello",
    );
    expect((await deliverBcc(raw, { to: p.bccAddress })).rejections).toEqual([]);
    const events = await verifiedEvents(host, secret, 2);
    const byType = new Map(events.map((e) => [e.type, e]));
    const contact = byType.get("contact.created")?.data.contact as { id: string; email: string };
    expect(contact).toMatchObject({ email: "carla@client.example", locationId: p.locationId });
    expect(byType.get("message.created")?.data.message).toMatchObject({ source: "bcc", contactId: contact.id });
    // Logging the same email again creates nothing, so announces nothing.
    await deliverBcc(raw, { to: p.bccAddress });
    expect((await eventsOf(p.locationId)).map((e) => e.type).sort()).toEqual(["contact.created", "message.created"]);
  });

  it("R29: connect, needs_reauth and disconnect each give mailbox.status_changed with the reason", async () => {
    const account = uniqueEmail("ev-status");
    await createAccount(account);
    const { locationId, userId } = await provisionMember();
    const { secret, host } = await subscribe(locationId, { events: ["mailbox.status_changed"] });
    await connectMailbox({ account, locationId, userId });
    await revoke(account);
    await syncNow(account);
    await disconnectMailbox(locationId, userId);

    const events = await verifiedEvents(host, secret, 3);
    expect(events.map((e) => e.data)).toEqual([
      { userId, emailAddress: account, status: "active", reason: "connected" },
      { userId, emailAddress: account, status: "needs_reauth", reason: "invalid_grant" },
      { userId, emailAddress: account, status: "disconnected", reason: "disconnected" },
    ]);
  });

  it("R29/R24: a parked message gives mailbox.sync_degraded message_parked", async () => {
    const owner = await connectedOwner();
    const { secret, host } = await subscribe(owner.locationId, { events: ["mailbox.sync_degraded"] });
    await runInDurableObject(mailboxStub(env, owner.address), async (_instance, state) => {
      state.storage.sql.exec("INSERT INTO sync_pending (message_id, seq) VALUES ('bad id!', 0)");
      state.storage.sql.exec("UPDATE sync_state SET wanted = 1 WHERE id = 1");
      await state.storage.setAlarm(Date.now());
    });
    await pushAndSync(owner.address);
    const [event] = await verifiedEvents(host, secret, 1);
    expect(event?.data).toEqual({
      userId: owner.userId,
      emailAddress: owner.address,
      problem: "message_parked",
      details: { gmailMessageId: "bad id!" },
    });
  });

  it("R29/R3: a watch renewal failing gives mailbox.sync_degraded watch_renewal_failing, once", async () => {
    const account = uniqueEmail("ev-watch");
    const { locationId, userId } = await connectMailbox({ account });
    const { secret, host } = await subscribe(locationId, { events: ["mailbox.sync_degraded"] });
    const start = Date.now();
    await failNext(account, "users.watch", 503, WATCH_FAILURES_VISIBLE + 1);
    let offset = 0;
    for (const step of [24 * HOUR, HOUR, HOUR, HOUR]) {
      await advanceClock(account, step);
      offset += step;
      await runCron(start + offset);
    }
    const [event] = await verifiedEvents(host, secret, 1);
    expect(event?.data).toMatchObject({
      userId,
      emailAddress: account,
      problem: "watch_renewal_failing",
      details: { failures: WATCH_FAILURES_VISIBLE },
    });
    // Announced once for the streak (the fourth failure adds none); a repeat delivery keeps the same id.
    expect(new Set((await verifiedEvents(host, secret, 1)).map((e) => e.id)).size).toBe(1);
    expect((await eventsOf(locationId)).filter((e) => e.type === "mailbox.sync_degraded")).toHaveLength(1);
  }, 30_000);
});
