import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mailboxStub } from "../../src/mailbox/stub";
import { TRAILING_READ_DELAY_MS } from "../../src/mailbox/trailing-read";
import { advanceClock, counters, deliver, pullPushes, resetCounters, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, messagesOf, pushAndSync, runAlarms } from "./support";

const alarmOf = (address: string) =>
  runInDurableObject(mailboxStub(env, address), (_i, state) => state.storage.getAlarm());

/** Runs the alarm set for the trailing read now, as its time had come (the test does not wait 20 s). */
async function runTrailingReadNow(address: string): Promise<void> {
  await runInDurableObject(mailboxStub(env, address), (_i, state) =>
    state.storage.sql.exec("UPDATE sync_state SET trailing_read_at = ?", Date.now()),
  );
  await runDurableObjectAlarm(mailboxStub(env, address));
  await runAlarms(address);
}

describe("reading 15: Gmail drops notifications above one per second; nothing waits for the catch-up", () => {
  it("reading 15: a contact's second email 300 ms after the first, its push dropped, syncs within a minute without any push", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("twice", "client.test"));
    await advanceClock(owner.address, 5_000);
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "First" });
    const startedAt = Date.now();
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId, contact.id)).map((m) => m.subject)).toEqual(["First"]);

    // 300 ms after the first (Gmail's clock): within the second, so Gmail publishes nothing for it.
    await advanceClock(owner.address, 300);
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Second" });
    expect(await pullPushes(owner.address)).toEqual([]);

    // A history read is already due within the minute, push or no push; it brings the second email.
    const alarm = await alarmOf(owner.address);
    expect(alarm).not.toBeNull();
    expect((alarm ?? Infinity) - startedAt).toBeLessThanOrEqual(60_000);
    await resetCounters(owner.address);
    await runTrailingReadNow(owner.address);
    // Both in one second of the Date header: their order in the conversation is not the point here.
    expect((await messagesOf(owner.locationId, contact.id)).map((m) => m.subject).sort()).toEqual(["First", "Second"]);
    // Its cost: one history.list (2 units) and the message itself.
    expect((await counters(owner.address)).requests["users.history.list"]).toBe(1);

    // The trailing read found a change, so one more follows; that one finds nothing and schedules no other.
    expect(await alarmOf(owner.address)).not.toBeNull();
    await runTrailingReadNow(owner.address);
    expect(await alarmOf(owner.address)).toBeNull();
    expect((await counters(owner.address)).requests["users.history.list"]).toBe(2);
    expect(TRAILING_READ_DELAY_MS).toBeLessThan(60_000);
  });
});
