import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { locationDb } from "../../src/db/database";
import { mailboxStub } from "../../src/mailbox/stub";
import { api, createLocation } from "../support/api";
import { connectMailbox } from "../support/connect";
import { advanceClock, createAccount, deliver, PUSH_SPACING_MS, readMailbox, uniqueEmail } from "../support/google";
import { send } from "../send/support";
import { addContact, messagesOf, pushAndSync } from "../sync/support";

/** The owner's mailbox connected in two locations, and the same contact in both. */
async function ownerInTwoLocations() {
  const account = uniqueEmail("owner");
  await createAccount(account);
  const first = await connectMailbox({ account });
  const second = await connectMailbox({ account, userId: first.userId, locationId: await createLocation() });
  const contactEmail = uniqueEmail("contact", "client.test");
  const c1 = await addContact(first.locationId, contactEmail);
  const c2 = await addContact(second.locationId, contactEmail);
  return {
    account,
    userId: first.userId,
    first: { ...first, contactId: c1.id },
    second: { ...second, contactId: c2.id },
    contactEmail,
  };
}

async function contactWrites(account: string, contactEmail: string, subject: string) {
  await advanceClock(account, PUSH_SPACING_MS);
  await deliver(account, { from: contactEmail, to: account, subject, text: subject });
  await pushAndSync(account);
}

async function eventsOf(locationId: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const rows = await (await locationDb(env, locationId)).$client
    .prepare("SELECT type, data_json FROM events WHERE location_id = ? ORDER BY created_at")
    .bind(locationId)
    .all<{ type: string; data_json: string }>();
  return rows.results.map((r) => ({ type: r.type, data: JSON.parse(r.data_json) as Record<string, unknown> }));
}

describe("reading 10: a member removed from a location loses their connection there (R5, R23)", () => {
  it("reading 10: after DELETE …/members/{userId} nothing of their mailbox syncs into that location, sends there are 404; the other location goes on", async () => {
    const o = await ownerInTwoLocations();
    await contactWrites(o.account, o.contactEmail, "Before");
    expect(await messagesOf(o.first.locationId)).toHaveLength(1);

    const removed = await api("DELETE", `/v1/locations/${o.first.locationId}/members/${o.userId}`);
    expect(removed.status).toBe(204);
    await contactWrites(o.account, o.contactEmail, "After");

    // What was synced stays; nothing new arrives in the location the user left; the other one goes on.
    expect((await messagesOf(o.first.locationId)).map((m) => m.subject)).toEqual(["Before"]);
    expect((await messagesOf(o.second.locationId)).map((m) => m.subject)).toEqual(["Before", "After"]);
    const status = await mailboxStub(env, o.account).status();
    expect(status.status).toBe("active");
    expect(status.connections.map((c) => c.locationId)).toEqual([o.second.locationId]);
    // Sends for them there are refused like any non-member's.
    const refused = await send(o.first, { subject: "Hi", text: "x" });
    expect(refused.status).toBe(404);
    expect(refused.body.error?.code).toBe("not_found");
    // R29: the change is announced in that location.
    expect(await eventsOf(o.first.locationId)).toContainEqual({
      type: "mailbox.status_changed",
      data: { userId: o.userId, emailAddress: o.account, status: "disconnected", reason: "member_removed" },
    });
  });

  it("reading 10: removal from the mailbox's last location stops the watch and revokes the grant, as R5 does", async () => {
    const account = uniqueEmail("owner");
    await createAccount(account);
    const only = await connectMailbox({ account });
    expect((await api("DELETE", `/v1/locations/${only.locationId}/members/${only.userId}`)).status).toBe(204);
    expect((await mailboxStub(env, account).status()).status).toBe("disconnected");
    expect((await readMailbox(account)).watch).toBeNull();
  });

  it("reading 10: routing sends nothing to a location where the owner is no longer a member, even before the object hears of it", async () => {
    const o = await ownerInTwoLocations();
    // The membership row gone while the mailbox object still lists the location (a disconnect not yet done).
    await (await locationDb(env, o.first.locationId)).$client
      .prepare("DELETE FROM members WHERE location_id = ? AND user_id = ?")
      .bind(o.first.locationId, o.userId)
      .run();
    await contactWrites(o.account, o.contactEmail, "Leak?");
    expect(await messagesOf(o.first.locationId)).toEqual([]);
    expect((await messagesOf(o.second.locationId)).map((m) => m.subject)).toEqual(["Leak?"]);
  });
});
