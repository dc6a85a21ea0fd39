import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  ackPush,
  advanceClock,
  counters,
  deleteMessage,
  deliver,
  failNext,
  ownerAction,
  pullPushes,
  pushToRequest,
  PUSH_SPACING_MS,
  raiseRetentionFloor,
  resetCounters,
  setPushFaults,
  uniqueEmail,
} from "../support/google";
import { updatedEvents } from "./r26-support";
import {
  addContact,
  connectedOwner,
  messagesOf,
  pushAndSync,
  runAlarms,
  syncInternals,
  syncNow,
  type Owner,
} from "./support";

const contactEmail = () => uniqueEmail("c", "client.test");

/** Each change in its own second: Gmail pushes at most once a second per mailbox. */
async function act(owner: Owner, gmailId: string, action: "read" | "unread" | "trash" | "restore"): Promise<void> {
  await advanceClock(owner.address, PUSH_SPACING_MS);
  await ownerAction(owner.address, gmailId, action);
}

async function stateOf(locationId: string): Promise<{ subject: string; unread: boolean; gmailState: string | null }[]> {
  return (await messagesOf(locationId)).map((m) => ({
    subject: m.subject,
    unread: m.unread,
    gmailState: m.gmailState,
  }));
}

/** An owner with one synced inbound email from a contact. */
async function syncedInbound(subject = "Hello"): Promise<{ owner: Owner; gmailId: string }> {
  const owner = await connectedOwner();
  const contact = await addContact(owner.locationId, contactEmail());
  const gmailId = (await deliver(owner.address, { from: contact.email, to: owner.address, subject })).id;
  await pushAndSync(owner.address);
  return { owner, gmailId };
}

describe("R26: Gmail → CRM", () => {
  it("R26: synced mail carries Gmail's UNREAD label; read and unread in Gmail follow, no messages.get for them", async () => {
    const { owner, gmailId } = await syncedInbound();
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Hello", unread: true, gmailState: "present" }]);
    await resetCounters(owner.address);
    await act(owner, gmailId, "read");
    await pushAndSync(owner.address);
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Hello", unread: false, gmailState: "present" }]);
    await act(owner, gmailId, "unread");
    await pushAndSync(owner.address);
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Hello", unread: true, gmailState: "present" }]);
    const used = await counters(owner.address);
    expect(used.requests["users.messages.get"]).toBeUndefined();
    expect(Object.keys(used.requests).sort()).toEqual(["users.history.list"]);
    // R29: one message.updated per applied change, in the batch that applied it.
    const [message] = await messagesOf(owner.locationId);
    expect(await updatedEvents(owner.locationId)).toEqual([message!.id, message!.id]);
  });

  it("R26: read in Gmail reaches every location's copy of the message", async () => {
    const owner = await connectedOwner();
    const second = await connectedOwner({ account: owner.address, userId: owner.userId });
    const email = contactEmail();
    await addContact(owner.locationId, email);
    await addContact(second.locationId, email);
    const gmailId = (await deliver(owner.address, { from: email, to: owner.address, subject: "Both" })).id;
    await pushAndSync(owner.address);
    await act(owner, gmailId, "read");
    await pushAndSync(owner.address);
    for (const locationId of [owner.locationId, second.locationId]) {
      expect(await stateOf(locationId)).toEqual([{ subject: "Both", unread: false, gmailState: "present" }]);
      expect(await updatedEvents(locationId)).toHaveLength(1);
    }
  });

  it("R26: trash, restore and permanent delete in Gmail: the message stays in the CRM, only its state changes", async () => {
    const { owner, gmailId } = await syncedInbound("Bin");
    await resetCounters(owner.address);
    await act(owner, gmailId, "trash");
    await pushAndSync(owner.address);
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Bin", unread: true, gmailState: "trashed" }]);
    await act(owner, gmailId, "restore");
    await pushAndSync(owner.address);
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Bin", unread: true, gmailState: "present" }]);
    await act(owner, gmailId, "trash");
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deleteMessage(owner.address, gmailId);
    await pushAndSync(owner.address);
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Bin", unread: true, gmailState: "deleted" }]);
    // The restore puts INBOX back, as new mail moving into the Inbox would: a synced message is not fetched again.
    expect(Object.keys((await counters(owner.address)).requests)).toEqual(["users.history.list"]);
  });

  it("R26: within one walk the newest record wins (read, unread, read in one second, one push)", async () => {
    const { owner, gmailId } = await syncedInbound();
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await ownerAction(owner.address, gmailId, "read");
    await ownerAction(owner.address, gmailId, "unread");
    await ownerAction(owner.address, gmailId, "read");
    await pushAndSync(owner.address);
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Hello", unread: false, gmailState: "present" }]);
    expect(await updatedEvents(owner.locationId)).toHaveLength(1);
  });

  it("R26/R22: a change pushed five times, or reordered with others, is applied once", async () => {
    const { owner, gmailId } = await syncedInbound();
    await act(owner, gmailId, "read");
    const pushes = await pullPushes(owner.address);
    for (const push of pushes) {
      for (let i = 0; i < 5; i++) expect((await exports.default.fetch(pushToRequest(push))).status).toBe(204);
      await ackPush(push.deliveryId, 204);
    }
    await runAlarms(owner.address);
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Hello", unread: false, gmailState: "present" }]);
    expect(await updatedEvents(owner.locationId)).toHaveLength(1);
    await setPushFaults(owner.address, { reorder: 3 });
    // Three changes of an Inbox message, three pushes delivered newest first.
    await act(owner, gmailId, "unread");
    await act(owner, gmailId, "read");
    await act(owner, gmailId, "unread");
    expect((await pushAndSync(owner.address)).length).toBe(3);
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Hello", unread: true, gmailState: "present" }]);
    // One walk, the newest record wins: one change (read → unread), one event.
    expect(await updatedEvents(owner.locationId)).toHaveLength(2);
  });

  it("R26/R22: a change during a 429 storm is applied once Gmail answers, the cursor never ahead of it", async () => {
    const { owner, gmailId } = await syncedInbound();
    const before = (await syncInternals(owner.address)).cursor;
    await failNext(owner.address, "users.history.list", 429, 4);
    await act(owner, gmailId, "read");
    await pushAndSync(owner.address);
    expect(await stateOf(owner.locationId)).toEqual([{ subject: "Hello", unread: false, gmailState: "present" }]);
    expect(await updatedEvents(owner.locationId)).toHaveLength(1);
    expect(BigInt((await syncInternals(owner.address)).cursor ?? "0")).toBeGreaterThan(BigInt(before ?? "0"));
  });

  it("R26: a change of a message never synced (not a contact's) is ignored and creates nothing", async () => {
    const owner = await connectedOwner();
    await addContact(owner.locationId, contactEmail());
    const stranger = (await deliver(owner.address, { from: "stranger@else.test", to: owner.address, subject: "Nope" }))
      .id;
    await pushAndSync(owner.address);
    await act(owner, stranger, "read");
    await act(owner, stranger, "trash");
    await pushAndSync(owner.address);
    expect(await messagesOf(owner.locationId)).toEqual([]);
    expect((await syncInternals(owner.address)).pending).toEqual([]);
  });

  it("R26/R6/R22: after a history gap the states of messages synced before it are read again (format minimal)", async () => {
    const { owner, gmailId } = await syncedInbound("Gap");
    const contact = (await messagesOf(owner.locationId))[0]!.from.email;
    await advanceClock(owner.address, PUSH_SPACING_MS);
    const other = (await deliver(owner.address, { from: contact, to: owner.address, subject: "Gone" })).id;
    await pushAndSync(owner.address);
    // Changes whose history is lost: Gmail no longer answers from the cursor (404).
    await setPushFaults(owner.address, { drop: 3 });
    await act(owner, gmailId, "read");
    await act(owner, other, "trash");
    await deleteMessage(owner.address, other);
    await raiseRetentionFloor(owner.address);
    await resetCounters(owner.address);
    await syncNow(owner.address);
    expect((await stateOf(owner.locationId)).sort((a, b) => a.subject.localeCompare(b.subject))).toEqual([
      { subject: "Gap", unread: false, gmailState: "present" },
      { subject: "Gone", unread: true, gmailState: "deleted" },
    ]);
    const used = await counters(owner.address);
    expect(used.requests["users.history.list"]).toBe(1);
  });
});
