import { describe, expect, it } from "vitest";
import { api, locationToken } from "../support/api";
import { disconnectMailbox } from "../support/connect";
import {
  advanceClock,
  counters,
  deleteMessage,
  deliver,
  failNext,
  ownerAction,
  PUSH_SPACING_MS,
  readMailbox,
  resetCounters,
  revoke,
  uniqueEmail,
} from "../support/google";
import { insertConversation, insertMessage } from "../support/rows";
import { updatedEvents } from "./r26-support";
import {
  addContact,
  connectedOwner,
  messagesOf,
  pushAndSync,
  runAlarms,
  type MessageJson,
  type Owner,
} from "./support";

const contactEmail = () => uniqueEmail("c", "client.test");

async function patch(locationId: string, messageId: string, body: unknown, token?: string) {
  return api<{ message: MessageJson; error: { code: string; details?: unknown } }>(
    "PATCH",
    `/v1/locations/${locationId}/messages/${messageId}`,
    {
      token: token ?? (await locationToken(locationId)),
      body,
    },
  );
}

async function gmailLabels(owner: Owner, gmailId: string): Promise<string[]> {
  return (await readMailbox(owner.address)).messages.find((m) => m.id === gmailId)?.labelIds ?? [];
}

/** An owner with one synced inbound (unread) email; its CRM id and Gmail id. */
async function synced(): Promise<{ owner: Owner; id: string; gmailId: string; contactEmail: string }> {
  const owner = await connectedOwner();
  const contact = await addContact(owner.locationId, contactEmail());
  const gmailId = (await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Hi" })).id;
  await pushAndSync(owner.address);
  const [message] = await messagesOf(owner.locationId);
  return { owner, id: message!.id, gmailId, contactEmail: contact.email };
}

describe("R26: CRM → Gmail (PATCH …/messages/{id})", () => {
  it("R26: the CRM marks read: Gmail's UNREAD label goes (one messages.modify), the answer is the stored message; no echo", async () => {
    const { owner, id, gmailId } = await synced();
    await resetCounters(owner.address);
    await advanceClock(owner.address, PUSH_SPACING_MS);
    const read = await patch(owner.locationId, id, { unread: false });
    expect(read.status).toBe(200);
    expect(read.body.message).toMatchObject({ id, unread: false, gmailState: "present" });
    expect(await gmailLabels(owner, gmailId)).not.toContain("UNREAD");
    expect((await counters(owner.address)).requests).toEqual({ "users.messages.modify": 1 });
    // The history record of our own change comes back with a push: it is no new change.
    expect(await updatedEvents(owner.locationId)).toEqual([id]);
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.unread)).toEqual([false]);
    expect((await counters(owner.address)).requests["users.messages.get"]).toBeUndefined();
    // No second event for the echo (R29: no event without a change).
    expect(await updatedEvents(owner.locationId)).toEqual([id]);
    await advanceClock(owner.address, PUSH_SPACING_MS);
    expect((await patch(owner.locationId, id, { unread: true })).body.message.unread).toBe(true);
    expect(await gmailLabels(owner, gmailId)).toContain("UNREAD");
  });

  it("R26: our change then the owner's opposite change in Gmail, read in one walk: the owner's (newest) wins", async () => {
    const { owner, id, gmailId } = await synced();
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await patch(owner.locationId, id, { unread: false });
    await ownerAction(owner.address, gmailId, "unread");
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await pushAndSync(owner.address);
    await runAlarms(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.unread)).toEqual([true]);
  });

  it("R26: the other locations' copies of the Gmail message follow the CRM's change", async () => {
    const owner = await connectedOwner();
    const second = await connectedOwner({ account: owner.address, userId: owner.userId });
    const email = contactEmail();
    await addContact(owner.locationId, email);
    await addContact(second.locationId, email);
    await deliver(owner.address, { from: email, to: owner.address, subject: "Both" });
    await pushAndSync(owner.address);
    const [first] = await messagesOf(owner.locationId);
    expect((await patch(owner.locationId, first!.id, { unread: false })).status).toBe(200);
    expect((await messagesOf(second.locationId)).map((m) => m.unread)).toEqual([false]);
    expect(await updatedEvents(second.locationId)).toHaveLength(1);
  });

  it("R26: a message Gmail never held (BCC-logged) changes only in the CRM; gmailState is null", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    const conversation = await insertConversation({ locationId: owner.locationId, contactId: contact.id });
    const row = await insertMessage({
      locationId: owner.locationId,
      conversationId: conversation.id,
      contactId: contact.id,
      source: "bcc",
    });
    await resetCounters(owner.address);
    const answer = await patch(owner.locationId, row.id, { unread: true });
    expect(answer.status).toBe(200);
    expect(answer.body.message).toMatchObject({ unread: true, gmailState: null, gmail: null });
    expect((await counters(owner.address)).totalRequests).toBe(0);
    expect((await patch(owner.locationId, row.id, { unread: true })).status).toBe(200);
    expect(await updatedEvents(owner.locationId)).toEqual([row.id]);
  });

  it("R26: bad bodies are 400 and write nothing; another location's message is 404, another location's path 403", async () => {
    const { owner, id } = await synced();
    for (const body of [{}, { unread: "yes" }, { unread: false, subject: "x" }, null]) {
      expect((await patch(owner.locationId, id, body)).status).toBe(400);
    }
    expect((await messagesOf(owner.locationId)).map((m) => m.unread)).toEqual([true]);
    const other = await connectedOwner();
    expect((await patch(other.locationId, id, { unread: false })).status).toBe(404);
    expect((await patch(owner.locationId, id, { unread: false }, await locationToken(other.locationId))).status).toBe(
      403,
    );
    expect((await patch(owner.locationId, "msg_nope", { unread: false })).status).toBe(404);
  });

  it("R26: deleted in Gmail: 409 message_deleted_in_gmail, and the copy says deleted", async () => {
    const { owner, id, gmailId } = await synced();
    await deleteMessage(owner.address, gmailId);
    const first = await patch(owner.locationId, id, { unread: false });
    expect([first.status, first.body.error.code]).toEqual([409, "message_deleted_in_gmail"]);
    expect((await messagesOf(owner.locationId)).map((m) => m.gmailState)).toEqual(["deleted"]);
    await resetCounters(owner.address);
    const again = await patch(owner.locationId, id, { unread: false });
    expect([again.status, again.body.error.code]).toEqual([409, "message_deleted_in_gmail"]);
    expect((await counters(owner.address)).totalRequests).toBe(0);
  });

  it("R26: Gmail refuses: 502 gmail_error with Google's status and reason; nothing changes", async () => {
    const { owner, id } = await synced();
    await failNext(owner.address, "users.messages.modify", 500);
    const answer = await patch(owner.locationId, id, { unread: false });
    expect([answer.status, answer.body.error.code, answer.body.error.details]).toEqual([
      502,
      "gmail_error",
      { status: 500, reason: "backendError" },
    ]);
    expect((await messagesOf(owner.locationId)).map((m) => m.unread)).toEqual([true]);
    expect(await updatedEvents(owner.locationId)).toEqual([]);
  });

  it("R26/R5: a disconnected mailbox: 409 mailbox_not_connected", async () => {
    const { owner, id } = await synced();
    await disconnectMailbox(owner.locationId, owner.userId);
    const answer = await patch(owner.locationId, id, { unread: false });
    expect([answer.status, answer.body.error.code]).toEqual([409, "mailbox_not_connected"]);
  });

  it("R26/R4: the mailbox replaced by another Google account (update email): 409 mailbox_not_connected", async () => {
    const { owner, id } = await synced();
    await connectedOwner({ account: uniqueEmail("newaddr"), locationId: owner.locationId, userId: owner.userId });
    const answer = await patch(owner.locationId, id, { unread: false });
    expect([answer.status, answer.body.error.code]).toEqual([409, "mailbox_not_connected"]);
    expect((await messagesOf(owner.locationId)).map((m) => m.unread)).toEqual([true]);
  });

  it("R26/R6: needs_reauth: 409 mailbox_needs_reauth; a change in Gmail meanwhile is applied after the reconnect", async () => {
    const { owner, id, gmailId } = await synced();
    await revoke(owner.address);
    const refused = await patch(owner.locationId, id, { unread: false });
    expect([refused.status, refused.body.error.code]).toEqual([409, "mailbox_needs_reauth"]);
    expect((await patch(owner.locationId, id, { unread: false })).body.error.code).toBe("mailbox_needs_reauth");
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await ownerAction(owner.address, gmailId, "trash");
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => [m.unread, m.gmailState])).toEqual([[true, "present"]]);
    await connectedOwner({ account: owner.address, locationId: owner.locationId, userId: owner.userId });
    await runAlarms(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => [m.unread, m.gmailState])).toEqual([[true, "trashed"]]);
    expect((await patch(owner.locationId, id, { unread: false })).body.message).toMatchObject({
      unread: false,
      gmailState: "trashed",
    });
  });

  it("R26: CRM-sent messages start unread: false", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    const sent = await api<{ message: MessageJson }>("POST", `/v1/locations/${owner.locationId}/messages`, {
      token: await locationToken(owner.locationId),
      body: { userId: owner.userId, contactId: contact.id, subject: "From the CRM", text: "hello" },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({ unread: false, gmailState: "present" });
  });
});
