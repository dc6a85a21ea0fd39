import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConnection } from "../../src/db/connections";
import { locationDb } from "../../src/db/database";
import { mailboxStub } from "../../src/mailbox/stub";
import { getMailbox, mailboxStatus } from "../support/connect";
import { clearFaults, counters, deliver, failNextDomainPolicy, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, messagesOf, pushAndSync, runAlarms, syncInternals, type Owner } from "./support";

async function pendingAttempts(address: string): Promise<number[]> {
  return runInDurableObject(mailboxStub(env, address), (_instance, state) =>
    state.storage.sql
      .exec<{ attempts: number }>("SELECT attempts FROM sync_pending ORDER BY seq")
      .toArray()
      .map((r) => r.attempts),
  );
}

async function expectPaused(owner: Owner): Promise<void> {
  expect((await getMailbox(owner.locationId, owner.userId)).status).toBe("needs_reauth");
  expect((await mailboxStatus(owner.address)).reauthReason).toBe("domainPolicy");
  expect(await getConnection(await locationDb(env, owner.locationId), owner.locationId, owner.userId)).toMatchObject({
    status: "needs_reauth",
  });
  // Paused, not retrying: no alarm is left to call Gmail again every minute.
  expect(
    await runInDurableObject(mailboxStub(env, owner.address), (_instance, state) => state.storage.getAlarm()),
  ).toBeNull();
}

describe("R6: a grant Google refuses during the sync pauses the mailbox", () => {
  it("R6: a 403 domainPolicy on history.list turns the mailbox needs_reauth at once; the reconnect syncs what waited, once", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("policy", "client.test"));
    // The Workspace admin disables Gmail apps for a while: every history read is refused.
    await failNextDomainPolicy(owner.address, "users.history.list", 5);
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Held by policy", text: "later" });
    const before = (await counters(owner.address)).requests["users.history.list"] ?? 0;
    await pushAndSync(owner.address);

    await expectPaused(owner);
    expect((await counters(owner.address)).requests["users.history.list"] ?? 0).toBe(before + 1);
    expect(await messagesOf(owner.locationId)).toEqual([]);

    // The admin allows Gmail apps again and the user reconnects: the sync resumes from the saved cursor.
    await clearFaults(owner.address);
    await connectedOwner({ account: owner.address, locationId: owner.locationId, userId: owner.userId });
    await runAlarms(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["Held by policy"]);
    expect((await getMailbox(owner.locationId, owner.userId)).status).toBe("active");
  });

  it("R6: a 403 domainPolicy on the messages of a batch pauses the mailbox; no message counts an attempt or is parked", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("policy", "client.test"));
    await failNextDomainPolicy(owner.address, "users.messages.get", 1);
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Fetched later", text: "x" });
    await pushAndSync(owner.address);

    await expectPaused(owner);
    expect(await pendingAttempts(owner.address)).toEqual([0]);
    expect((await syncInternals(owner.address)).parked).toEqual([]);
    expect((await getMailbox(owner.locationId, owner.userId)).parkedMessages).toBe(0);

    await connectedOwner({ account: owner.address, locationId: owner.locationId, userId: owner.userId });
    await runAlarms(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["Fetched later"]);
  });
});
