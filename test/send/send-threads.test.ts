import { describe, expect, it } from "vitest";
import { createLocation } from "../support/api";
import { connectMailbox } from "../support/connect";
import { advanceClock, createAccount, deliver, PUSH_SPACING_MS, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, messagesOf, pushAndSync } from "../sync/support";
import { send, sentInGmail } from "./support";

describe("CRM sends and the sync (R14, R15)", () => {
  it("R15: the Sent copy Gmail reports later is recognised and not stored twice", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId);
    const res = await send({ ...owner, contactId: contact.id }, { subject: "No echo", text: "once" });
    expect(res.status).toBe(201);
    await pushAndSync(owner.address);
    const stored = await messagesOf(owner.locationId, contact.id);
    expect(stored.map((m) => m.id)).toEqual([res.body.message.id]);
    expect(stored[0]).toMatchObject({ source: "crm", provider: "gmail", direction: "outbound" });
  });

  it("R14: a thread bound in two locations is bound to the replying location alone; the next inbound reaches only it", async () => {
    const account = uniqueEmail("owner");
    await createAccount(account);
    const first = await connectMailbox({ account });
    const otherLocation = await createLocation();
    const second = await connectMailbox({ account, userId: first.userId, locationId: otherLocation });
    const contactEmail = uniqueEmail("contact", "client.test");
    const c1 = await addContact(first.locationId, contactEmail);
    const c2 = await addContact(second.locationId, contactEmail);

    // R8 fan-out: the contact's email syncs into both locations and binds the thread in both.
    const inbound = await deliver(account, { from: contactEmail, to: account, subject: "Question", text: "hello?" });
    await pushAndSync(account);
    const inL1 = await messagesOf(first.locationId, c1.id);
    expect(inL1).toHaveLength(1);
    expect(await messagesOf(second.locationId, c2.id)).toHaveLength(1);

    // The user replies from the first location.
    const reply = await send({ ...first, contactId: c1.id }, { text: "answer", inReplyTo: inL1[0]!.id });
    expect(reply.status).toBe(201);
    const [sent] = await sentInGmail(account);
    expect(sent?.threadId).toBe(inbound.threadId);

    // The contact answers in the same thread: only the first location gets it.
    await advanceClock(account, PUSH_SPACING_MS);
    await deliver(account, {
      from: contactEmail,
      to: account,
      subject: "Re: Question",
      text: "thanks",
      inReplyTo: sent!.messageId!,
      references: [inbound.messageId!, sent!.messageId!],
    });
    await pushAndSync(account);
    expect((await messagesOf(first.locationId, c1.id)).map((m) => m.text?.trim())).toEqual([
      "hello?",
      "answer",
      "thanks",
    ]);
    expect((await messagesOf(second.locationId, c2.id)).map((m) => m.text?.trim())).toEqual(["hello?"]);
  });
});
