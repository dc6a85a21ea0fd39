import { describe, expect, it } from "vitest";
import { api, createUser, locationToken } from "../support/api";
import { advanceClock, deliver, PUSH_SPACING_MS, sendAsOwner, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, messagesOf, pushAndSync } from "../sync/support";

/* R27 end to end: settings set through the API, mail through the emulator, results read through the API. */

const mail = (prefix: string, domain = "client.test") => uniqueEmail(prefix, domain);
const putPrivacy = async (locationId: string, body: Record<string, unknown>) => {
  const res = await api("PUT", `/v1/locations/${locationId}/privacy`, { token: await locationToken(locationId), body });
  expect(res.status).toBe(200);
};
const putUserPrivacy = async (locationId: string, userId: string, neverLog: string[]) => {
  const res = await api("PUT", `/v1/locations/${locationId}/users/${userId}/privacy`, {
    token: await locationToken(locationId),
    body: { neverLog },
  });
  expect(res.status).toBe(200);
};
const subjects = async (locationId: string) => (await messagesOf(locationId)).map((m) => m.subject).sort();

describe("R27 through the sync: never-log entries, internal domains, bulk mail", () => {
  it("R27: inbound from a never-log address, a never-log @domain or the owner's own entry is not synced; others are", async () => {
    const owner = await connectedOwner();
    const domain = `${crypto.randomUUID().slice(0, 8)}.test`;
    const byAddress = await addContact(owner.locationId, mail("doctor"));
    const byDomain = await addContact(owner.locationId, mail("lawyer", domain));
    const byOwnerList = await addContact(owner.locationId, mail("family"));
    const subdomain = await addContact(owner.locationId, mail("sub", `sub.${domain}`));
    const plain = await addContact(owner.locationId, mail("client"));
    await putPrivacy(owner.locationId, { neverLog: [byAddress.email.toUpperCase(), `@${domain}`] });
    await putUserPrivacy(owner.locationId, owner.userId, [byOwnerList.email]);
    for (const [i, contact] of [byAddress, byDomain, byOwnerList, subdomain, plain].entries()) {
      await deliver(owner.address, { from: contact.email, to: owner.address, subject: `m${i}` });
      await advanceClock(owner.address, PUSH_SPACING_MS);
    }
    await pushAndSync(owner.address);
    expect(await subjects(owner.locationId)).toEqual(["m3", "m4"]);
  });

  it("R27/R10: in the owner's sent mail a never-log recipient is skipped like a user; none left: not synced", async () => {
    const owner = await connectedOwner();
    const secret = await addContact(owner.locationId, mail("secret"));
    const client = await addContact(owner.locationId, mail("client"));
    await putUserPrivacy(owner.locationId, owner.userId, [secret.email]);
    await sendAsOwner(owner.address, { to: [secret.email, client.email], subject: "to both" });
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await sendAsOwner(owner.address, { to: secret.email, subject: "to the secret only" });
    await pushAndSync(owner.address);
    const messages = await messagesOf(owner.locationId);
    expect(messages.map((m) => [m.subject, m.contactId])).toEqual([["to both", client.id]]);
    expect(messages[0]?.to.map((t) => t.email)).toEqual([secret.email, client.email]);
  });

  it("R27/R7/R10: internal-domain addresses count as users: never the sender, never the contact", async () => {
    const owner = await connectedOwner();
    const ourDomain = `${crypto.randomUUID().slice(0, 8)}.ours.test`;
    const colleague = await addContact(owner.locationId, mail("colleague", ourDomain));
    const client = await addContact(owner.locationId, mail("client"));
    await putPrivacy(owner.locationId, { internalDomains: [ourDomain] });
    await deliver(owner.address, { from: colleague.email, to: owner.address, subject: "internal inbound" });
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await sendAsOwner(owner.address, { to: colleague.email, subject: "internal only" });
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await sendAsOwner(owner.address, { to: [colleague.email, client.email], subject: "with a client" });
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => [m.subject, m.contactId])).toEqual([
      ["with a client", client.id],
    ]);
  });

  it("R27: bulk headers on a contact's mail: not synced while skipBulkMail is on, synced when off", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("shop"));
    await putPrivacy(owner.locationId, { skipBulkMail: true });
    await deliver(owner.address, {
      from: contact.email,
      to: owner.address,
      subject: "newsletter on",
      headers: { "List-Unsubscribe": "<mailto:u@shop.test>" },
    });
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deliver(owner.address, {
      from: contact.email,
      to: owner.address,
      subject: "auto on",
      headers: { "Auto-Submitted": "auto-generated" },
    });
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "personal on" });
    await pushAndSync(owner.address);
    expect(await subjects(owner.locationId)).toEqual(["personal on"]);

    await putPrivacy(owner.locationId, { skipBulkMail: false });
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deliver(owner.address, {
      from: contact.email,
      to: owner.address,
      subject: "newsletter off",
      headers: { Precedence: "bulk" },
    });
    await pushAndSync(owner.address);
    expect(await subjects(owner.locationId)).toEqual(["newsletter off", "personal on"]);
  });

  it("R27: a change applies to mail looked at from then on; mail already synced stays", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("ex"));
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "before" });
    await pushAndSync(owner.address);
    await putPrivacy(owner.locationId, { neverLog: [contact.email] });
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "after" });
    await pushAndSync(owner.address);
    expect(await subjects(owner.locationId)).toEqual(["before"]);
  });

  it("R27/R23: a user's list in one location does not touch the same mailbox's sync into another", async () => {
    const owner = await connectedOwner();
    const { createLocation } = await import("../support/api");
    const { connectMailbox } = await import("../support/connect");
    const other = await createLocation();
    await api("PUT", `/v1/locations/${other}/members/${owner.userId}`, { body: {} });
    await connectMailbox({ account: owner.address, locationId: other, userId: owner.userId });
    const email = mail("both");
    await addContact(owner.locationId, email);
    await addContact(other, email);
    await putUserPrivacy(owner.locationId, owner.userId, [email]);
    await deliver(owner.address, { from: email, to: owner.address, subject: "fan" });
    await pushAndSync(owner.address);
    expect(await subjects(owner.locationId)).toEqual([]);
    expect(await subjects(other)).toEqual(["fan"]);
  });

  it("R27/R7: another user's own list does not apply to this owner's mailbox", async () => {
    const owner = await connectedOwner();
    const colleague = await createUser({ locationId: owner.locationId });
    const contact = await addContact(owner.locationId, mail("shared"));
    await putUserPrivacy(owner.locationId, colleague, [contact.email]);
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "for the owner" });
    await pushAndSync(owner.address);
    expect(await subjects(owner.locationId)).toEqual(["for the owner"]);
  });
});
