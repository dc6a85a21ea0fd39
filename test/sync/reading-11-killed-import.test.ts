/*
 * Its own file: abortAllDurableObjects() resets every Durable Object of the test file's runtime, so it
 * would cut the runs of other tests sharing it.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mailboxStub } from "../../src/mailbox/stub";
import { MAX_MESSAGE_ATTEMPTS } from "../../src/sync/plan";
import {
  advanceClock,
  clearFaults,
  counters,
  deliver,
  deliverPushes,
  hangNext,
  PUSH_SPACING_MS,
  resetCounters,
  uniqueEmail,
} from "../support/google";
import { addContact, connectedOwner, messagesOf, runAlarms, syncInternals } from "./support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each pending message's counted attempts, as the mailbox object holds them. */
async function attempts(address: string): Promise<Record<string, number>> {
  return runInDurableObject(mailboxStub(env, address), (_instance, state) =>
    Object.fromEntries(
      state.storage.sql
        .exec<{ message_id: string; attempts: number }>("SELECT message_id, attempts FROM sync_pending")
        .toArray()
        .map((r) => [r.message_id, r.attempts]),
    ),
  );
}

/** Waits until Gmail has been asked for `total` messages in all: the import of the last ones is under way (hung). */
async function waitForGets(address: string, total: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (((await counters(address)).requests["users.messages.get"] ?? 0) >= total) return;
    await sleep(5);
  }
  throw new Error(`Gmail was not asked for ${total} messages`);
}

describe("reading 11: an import the runtime ends counts an attempt", () => {
  it("reading 11: a message whose import dies three times is parked on its third try; the mail after it syncs", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("killer", "client.test"));
    const ids: string[] = [];
    for (const subject of ["Poison", "After"]) {
      await advanceClock(owner.address, PUSH_SPACING_MS);
      ids.push((await deliver(owner.address, { from: contact.email, to: owner.address, subject })).id);
    }
    const [poison, after] = ids as [string, string];
    // Each import of the chunk hangs on Gmail long enough for the object to be reset in the middle of it.
    await hangNext(owner.address, "users.messages.get", 10_000, 10);
    await resetCounters(owner.address);
    await deliverPushes(owner.address, (r) => exports.default.fetch(r));

    // Kill 1, mid-import of the chunk of both: each message has its attempt counted before the work.
    await waitForGets(owner.address, 1); // a batch runs its parts in turn: the first one hangs
    await abortAllDurableObjects();
    expect(await attempts(owner.address)).toEqual({ [poison]: 1, [after]: 1 });
    // Kills 2 and 3: the runtime retries the alarm; a message once cut is worked alone, the oldest first.
    await waitForGets(owner.address, 2);
    await abortAllDurableObjects();
    expect(await attempts(owner.address)).toEqual({ [poison]: 2, [after]: 1 });
    await waitForGets(owner.address, 3);
    await abortAllDurableObjects();
    expect(await attempts(owner.address)).toEqual({ [poison]: MAX_MESSAGE_ATTEMPTS, [after]: 1 });

    await clearFaults(owner.address);
    await runAlarms(owner.address);
    const internals = await syncInternals(owner.address);
    expect(internals.parked).toEqual([
      { message_id: poison, error: expect.stringMatching(/runtime ended the import/) },
    ]);
    expect(internals.pending).toEqual([]);
    expect((await messagesOf(owner.locationId, contact.id)).map((m) => [m.gmail?.messageId, m.subject])).toEqual([
      [after, "After"],
    ]);
    const status = await mailboxStub(env, owner.address).status();
    expect(status.parkedMessages).toBe(1);
  }, 60_000);
});
