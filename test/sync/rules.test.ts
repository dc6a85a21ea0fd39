import { describe, expect, it } from "vitest";
import { api, createUser, fetchApi, locationToken } from "../support/api";
import { advanceClock, deliver, PUSH_SPACING_MS, sendAsOwner, setLabels, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, messagesOf, pushAndSync } from "./support";

const mail = (prefix: string) => uniqueEmail(prefix, "client.test");

describe("routing end to end (R7–R12), through the emulator", () => {
  it("R8: an inbound email from a contact is stored once with parsed addresses, bodies, ids and attachments", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("ann"));
    const sent = await deliver(owner.address, {
      from: { email: contact.email.toUpperCase(), name: "Ann Ångström" },
      to: [owner.address, { email: "Bob@Other.test", name: "Bob, Jr." }],
      cc: { email: "carol@other.test", name: "Carol" },
      subject: "Qu'est-ce que c'est — déjà vu?",
      text: "Plain body ✓",
      html: '<p>Html body ✓</p><img src="cid:logo@x">',
      attachments: [
        { filename: "report.pdf", contentType: "application/pdf", contentBase64: btoa("%PDF-1.4 fake") },
        {
          filename: "logo.png",
          contentType: "image/png",
          contentBase64: btoa("PNGDATA"),
          inline: true,
          contentId: "logo@x",
        },
      ],
    });
    expect(await pushAndSync(owner.address)).toEqual([204]);

    const [message, ...rest] = await messagesOf(owner.locationId, contact.id);
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      contactId: contact.id,
      direction: "inbound",
      source: "gmail",
      from: { email: contact.email, name: "Ann Ångström" },
      to: [
        { email: owner.address, name: null },
        { email: "bob@other.test", name: "Bob, Jr." },
      ],
      cc: [{ email: "carol@other.test", name: "Carol" }],
      subject: "Qu'est-ce que c'est — déjà vu?",
      messageIdHeader: sent.messageId,
      gmail: { mailbox: owner.address, messageId: sent.id, threadId: sent.threadId },
    });
    expect(message?.text?.trim()).toBe("Plain body ✓");
    expect(message?.html).toContain("<p>Html body ✓</p>");
    const attachments = [...(message?.attachments ?? [])].sort((a, b) => a.filename.localeCompare(b.filename));
    expect(attachments.map((a) => [a.filename, a.contentType, a.size, a.inline, a.contentId])).toEqual([
      ["logo.png", "image/png", 7, true, "logo@x"],
      ["report.pdf", "application/pdf", 13, false, null],
    ]);

    // R17: the content comes from Gmail on demand, by part id (Gmail's attachment ids change between reads).
    const token = await locationToken(owner.locationId);
    const expected = ["PNGDATA", "%PDF-1.4 fake"];
    for (const [i, attachment] of attachments.entries()) {
      const res = await fetchApi(
        "GET",
        `/v1/locations/${owner.locationId}/messages/${message?.id}/attachments/${attachment.id}`,
        { token },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toContain("attachment");
      // Bytes, not text: the parts are a PNG and a PDF.
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(new TextEncoder().encode(expected[i]));
    }
  });

  it("R9: the owner only in Bcc of a contact's email: inbound from the contact", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("bcc"));
    await deliver(owner.address, { from: contact.email, to: "someone@else.test", bcc: owner.address, subject: "FYI" });
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => [m.contactId, m.direction])).toEqual([
      [contact.id, "inbound"],
    ]);
  });

  it("R9: a contact writes to someone else with the owner in Cc: inbound from the contact; a Cc contact owns nothing", async () => {
    const owner = await connectedOwner();
    const sender = await addContact(owner.locationId, mail("sender"));
    const ccContact = await addContact(owner.locationId, mail("cc"));
    await deliver(owner.address, {
      from: sender.email,
      to: "third@party.test",
      cc: [owner.address, ccContact.email],
      subject: "Cc",
    });
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.contactId)).toEqual([sender.id]);
    expect(await messagesOf(owner.locationId, ccContact.id)).toEqual([]);
  });

  it("R8: a sender who is no contact is not synced, and no contact is created", async () => {
    const owner = await connectedOwner();
    await deliver(owner.address, { from: mail("stranger"), to: owner.address, subject: "Hi" });
    await pushAndSync(owner.address);
    expect(await messagesOf(owner.locationId)).toEqual([]);
    const contacts = await api<{ contacts: unknown[] }>("GET", `/v1/locations/${owner.locationId}/contacts`);
    expect(contacts.body.contacts).toEqual([]);
  });

  it("R8: a contact assigned to another user is not synced for this owner; unassigned or own ones are", async () => {
    const owner = await connectedOwner();
    const colleague = await createUser({ locationId: owner.locationId });
    const theirs = await addContact(owner.locationId, mail("theirs"), { assignedUserId: colleague });
    const mine = await addContact(owner.locationId, mail("mine"), { assignedUserId: owner.userId });
    await deliver(owner.address, { from: theirs.email, to: owner.address, subject: "Theirs" });
    await deliver(owner.address, { from: mine.email, to: owner.address, subject: "Mine" });
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["Mine"]);
  });

  it("R10: mail the owner sends from Gmail goes to the first recipient that is a contact (To, then Cc, then Bcc)", async () => {
    const owner = await connectedOwner();
    const ccContact = await addContact(owner.locationId, mail("cc"));
    const bccContact = await addContact(owner.locationId, mail("bcc"));
    await sendAsOwner(owner.address, {
      to: mail("not-a-contact"),
      cc: ccContact.email,
      bcc: bccContact.email,
      subject: "Proposal",
      text: "See attached",
    });
    await pushAndSync(owner.address);
    const messages = await messagesOf(owner.locationId);
    expect(messages.map((m) => [m.contactId, m.direction, m.source])).toEqual([[ccContact.id, "outbound", "gmail"]]);
    expect(messages[0]?.bcc).toEqual([{ email: bccContact.email, name: null }]);
  });

  it("R7: mail the owner sends only to users is not synced; to users and a contact, it goes to the contact", async () => {
    const owner = await connectedOwner();
    const colleagueEmail = mail("colleague");
    await createUser({ locationId: owner.locationId, email: colleagueEmail });
    const contact = await addContact(owner.locationId, mail("client"));
    // The colleague is also a contact (an internal address in the CRM): still a user, never the contact.
    await addContact(owner.locationId, colleagueEmail);
    await sendAsOwner(owner.address, { to: colleagueEmail, subject: "Internal only" });
    await sendAsOwner(owner.address, { to: [colleagueEmail, contact.email], subject: "With client" });
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => [m.subject, m.contactId])).toEqual([
      ["With client", contact.id],
    ]);
  });

  it("R7: a contact who is also a user of the location never syncs as inbound", async () => {
    const owner = await connectedOwner();
    const userEmail = mail("user-contact");
    await createUser({ locationId: owner.locationId, email: userEmail });
    await addContact(owner.locationId, userEmail);
    await deliver(owner.address, { from: userEmail, to: owner.address, subject: "From a colleague" });
    await pushAndSync(owner.address);
    expect(await messagesOf(owner.locationId)).toEqual([]);
  });

  it("R10: a forwarded email is an ordinary sent message: the quoted headers do not route it", async () => {
    const owner = await connectedOwner();
    const quoted = await addContact(owner.locationId, mail("quoted"));
    const target = await addContact(owner.locationId, mail("target"));
    await sendAsOwner(owner.address, {
      to: target.email,
      subject: "Fwd: Offer",
      text: `---------- Forwarded message ---------\nFrom: Quoted <${quoted.email}>\nTo: ${owner.address}\nSubject: Offer\n\nOriginal text`,
    });
    await pushAndSync(owner.address);
    const messages = await messagesOf(owner.locationId);
    expect(messages.map((m) => [m.contactId, m.direction, m.subject])).toEqual([[target.id, "outbound", "Fwd: Offer"]]);
    expect(messages[0]?.text).toContain(`From: Quoted <${quoted.email}>`);
  });

  it("R11: a thread that starts with a non-contact and later gains a contact follows the contact from then on", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("joins"));
    const stranger = mail("stranger");
    const first = await deliver(owner.address, {
      from: stranger,
      to: owner.address,
      subject: "Project",
      messageId: `<p1.${Date.now()}@stranger.test>`,
    });
    const reply = await sendAsOwner(owner.address, {
      to: stranger,
      cc: contact.email,
      subject: "Re: Project",
      replyToMessageId: first.id,
    });
    expect(reply.threadId).toBe(first.threadId);
    const later = await deliver(owner.address, {
      from: stranger,
      to: owner.address,
      subject: "Re: Project",
      inReplyTo: reply.messageId ?? undefined,
      references: [first.messageId ?? "", reply.messageId ?? ""],
    });
    expect(later.threadId).toBe(first.threadId);
    await pushAndSync(owner.address);
    const messages = await messagesOf(owner.locationId);
    // Both in the same second: compared without regard to their order in the conversation.
    expect(messages.map((m) => [m.gmail?.messageId, m.contactId, m.direction]).sort()).toEqual(
      [
        [reply.id, contact.id, "outbound"],
        [later.id, contact.id, "inbound"],
      ].sort(),
    );
  });

  it("R8: the same contact in two locations, the mailbox connected in both: synced into each", async () => {
    const owner = await connectedOwner();
    const second = await connectedOwner({ account: owner.address, userId: owner.userId });
    const email = mail("both");
    const inFirst = await addContact(owner.locationId, email);
    const inSecond = await addContact(second.locationId, email);
    await deliver(owner.address, { from: email, to: owner.address, subject: "Twice" });
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.contactId)).toEqual([inFirst.id]);
    expect((await messagesOf(second.locationId)).map((m) => m.contactId)).toEqual([inSecond.id]);
  });

  it("R12: duplicate contacts created at different times: the first created gets the mail, always", async () => {
    const owner = await connectedOwner();
    const email = mail("dup");
    const first = await addContact(owner.locationId, email);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = await addContact(owner.locationId, email.toUpperCase());
    await deliver(owner.address, { from: email, to: owner.address, subject: "One" });
    await pushAndSync(owner.address);
    await advanceClock(owner.address, PUSH_SPACING_MS); // Gmail pushes at most once a second per mailbox.
    await deliver(owner.address, { from: email, to: owner.address, subject: "Two" });
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId, first.id)).map((m) => m.subject)).toEqual(["One", "Two"]);
    expect(await messagesOf(owner.locationId, later.id)).toEqual([]);
  });

  it("mail in SPAM, TRASH or DRAFT never syncs; moved to the inbox later, it does", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("spam"));
    const spam = await deliver(owner.address, {
      from: contact.email,
      to: owner.address,
      subject: "In spam",
      labelIds: ["SPAM"],
    });
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "In trash", labelIds: ["TRASH"] });
    await deliver(owner.address, { from: owner.address, to: contact.email, subject: "A draft", labelIds: ["DRAFT"] });
    await pushAndSync(owner.address);
    expect(await messagesOf(owner.locationId)).toEqual([]);

    await advanceClock(owner.address, PUSH_SPACING_MS);
    await setLabels(owner.address, spam.id, { add: ["INBOX"], remove: ["SPAM"] });
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["In spam"]);
  });
});
