import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { mailboxStub } from "../../src/mailbox/stub";
import { getMailbox, runCron } from "../support/connect";
import {
  advanceClock,
  counters,
  deliver,
  failNext,
  hangNext,
  PUSH_SPACING_MS,
  raiseRetentionFloor,
  revoke,
  setPushFaults,
  uniqueEmail,
} from "../support/google";
import { exports } from "cloudflare:workers";
import { ackPush, deliverPushes, pullPushes, pushToRequest } from "../support/google";
import {
  addContact,
  connectedOwner,
  messagesOf,
  pushAndSync,
  runAlarms,
  syncInternals,
  trailingReadAt,
  waitForRun,
  type Owner,
} from "./support";

/** `count` emails from the contact, each in its own push (Gmail spaces pushes a second apart). */
async function deliverSpaced(owner: Owner, from: string, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    await advanceClock(owner.address, PUSH_SPACING_MS);
    ids.push((await deliver(owner.address, { from, to: owner.address, subject: `${prefix} ${i + 1}` })).id);
  }
  return ids;
}

async function subjectsOf(owner: Owner): Promise<string[]> {
  return (await messagesOf(owner.locationId)).map((m) => m.subject).sort();
}

const contactEmail = () => uniqueEmail("c", "client.test");

describe("R22: exactly once, nothing lost", () => {
  it("R22: pushes duplicated 5 times store each message once and read history once per news", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    await deliverSpaced(owner, contact.email, 1, "Dup");
    const pushes = await pullPushes(owner.address);
    expect(pushes).toHaveLength(1);
    // Pub/Sub delivers at least once: the same push five times, as it may after lost acks.
    for (const push of pushes) {
      for (let i = 0; i < 5; i++) expect((await exports.default.fetch(pushToRequest(push))).status).toBe(204);
      await ackPush(push.deliveryId, 204);
    }
    await runAlarms(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Dup 1"]);
    expect((await counters(owner.address)).requests["users.messages.get"]).toBe(1);
  });

  it("R22: pushes reordered (newest first) coalesce into the highest id; nothing lost", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    await setPushFaults(owner.address, { reorder: 3 });
    await deliverSpaced(owner, contact.email, 3, "Reordered");
    await pushAndSync(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Reordered 1", "Reordered 2", "Reordered 3"]);
  });

  it("R22: a delayed push syncs when it arrives", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    await setPushFaults(owner.address, { delay: { count: 1, ms: 120_000 } });
    await deliverSpaced(owner, contact.email, 1, "Late");
    await pushAndSync(owner.address);
    expect(await subjectsOf(owner)).toEqual([]);
    await advanceClock(owner.address, 120_000);
    await pushAndSync(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Late 1"]);
  });

  it("R22: a dropped push is found by the scheduled catch-up", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    await setPushFaults(owner.address, { drop: 1 });
    await deliverSpaced(owner, contact.email, 1, "Dropped");
    expect((await deliverPushes(owner.address, (r) => exports.default.fetch(r))).statuses).toEqual([]);
    await runAlarms(owner.address);
    expect(await subjectsOf(owner)).toEqual([]);
    // Never synced yet, so due for the catch-up at once; its alarm falls within the next few minutes.
    await runCron(Date.now());
    await runAlarms(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Dropped 1"]);
  });

  it("R22: a burst of Gmail 500s is retried with backoff: every message once, none parked", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    await failNext(owner.address, "users.history.list", 500, 2);
    await failNext(owner.address, "users.messages.get", 500, 4);
    await deliverSpaced(owner, contact.email, 3, "Burst");
    await pushAndSync(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Burst 1", "Burst 2", "Burst 3"]);
    expect((await syncInternals(owner.address)).parked).toEqual([]);
  });

  it("R22: a 429 storm on every method is waited out: every message once, none parked", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    await failNext(owner.address, "*", 429, 12);
    await deliverSpaced(owner, contact.email, 3, "Storm");
    await pushAndSync(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Storm 1", "Storm 2", "Storm 3"]);
    const internals = await syncInternals(owner.address);
    expect(internals.parked).toEqual([]);
    expect(internals.state).toMatchObject({ failures: 0, retry_at: null });
  });

  it("R6/R22: history gone (404) mid-life: the catch-up lists messages since the last sync, no loss, no duplicate", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    await deliverSpaced(owner, contact.email, 1, "Before");
    await pushAndSync(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Before 1"]);

    await raiseRetentionFloor(owner.address);
    await deliverSpaced(owner, contact.email, 2, "After");
    await pushAndSync(owner.address);
    expect(await subjectsOf(owner)).toEqual(["After 1", "After 2", "Before 1"]);
    const used = await counters(owner.address);
    expect(used.requests["users.messages.list"]).toBeGreaterThanOrEqual(1);
    expect((await syncInternals(owner.address)).state).toMatchObject({ scan_kind: null, scan_target: null });
  });

  it("R22: the cursor never runs ahead of stored rows, and a run repeated after a crash mid-batch stores nothing twice", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    const before = (await syncInternals(owner.address)).cursor;
    await hangNext(owner.address, "users.messages.get", 1500);
    await deliverSpaced(owner, contact.email, 2, "Crash");
    await deliverPushes(owner.address, (r) => exports.default.fetch(r));
    // Mid-batch: the messages are queued, not stored, and the cursor has not moved.
    let mid = await syncInternals(owner.address);
    for (let i = 0; i < 100 && mid.pending.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      mid = await syncInternals(owner.address);
    }
    expect(mid.pending.length).toBe(2);
    expect(mid.cursor).toBe(before);
    expect(await subjectsOf(owner)).toEqual([]);
    await runAlarms(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Crash 1", "Crash 2"]);
    const after = await syncInternals(owner.address);
    expect(BigInt(after.cursor ?? "0")).toBeGreaterThan(BigInt(before ?? "0"));

    // A crash after the D1 commit but before the queue was cleared: the same work runs again.
    const ids = (await messagesOf(owner.locationId)).map((m) => m.gmail?.messageId ?? "");
    await runInDurableObject(mailboxStub(env, owner.address), async (_instance, state) => {
      for (const [i, id] of ids.entries()) {
        state.storage.sql.exec("INSERT INTO sync_pending (message_id, seq) VALUES (?, ?)", id, i + 1);
      }
      state.storage.sql.exec("UPDATE sync_state SET scan_target = ? WHERE id = 1", after.cursor);
      await state.storage.setAlarm(Date.now());
    });
    await runAlarms(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Crash 1", "Crash 2"]);
    const conversations = await messagesOf(owner.locationId, contact.id);
    expect(conversations).toHaveLength(2);
    expect((await syncInternals(owner.address)).cursor).toBe(after.cursor);
  });

  it("R22: a Gmail call that hangs times out and the sync resumes by itself", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    // Google holds the history read for a minute: without a deadline, the alarm would be held with it.
    await hangNext(owner.address, "users.history.list", 60_000);
    await deliverSpaced(owner, contact.email, 1, "Hung");
    const started = Date.now();
    await deliverPushes(owner.address, (r) => exports.default.fetch(r));
    // No alarm is run by hand and no new push comes: the run gives up at the deadline, backs off, retries.
    // Done: the only alarm left is reading 15's trailing history read.
    expect(await waitForRun(owner.address, 20_000)).toBe(await trailingReadAt(owner.address));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(loadConfig(env).GOOGLE_TIMEOUT_MS);
    expect(elapsed).toBeLessThan(20_000);
    expect(await subjectsOf(owner)).toEqual(["Hung 1"]);
    expect((await counters(owner.address)).requests["users.history.list"]).toBe(2);
    expect((await syncInternals(owner.address)).state).toMatchObject({ failures: 0, retry_at: null, last_error: null });
    expect((await getMailbox(owner.locationId, owner.userId)).status).toBe("active");
  }, 30_000);

  it("R6: mail that arrived while the grant was revoked syncs on reconnect, from the saved cursor, once", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, contactEmail());
    await deliverSpaced(owner, contact.email, 1, "Before");
    await pushAndSync(owner.address);
    await revoke(owner.address);
    await deliverSpaced(owner, contact.email, 2, "Paused");
    await pushAndSync(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Before 1"]);
    expect((await getMailbox(owner.locationId, owner.userId)).status).toBe("needs_reauth");

    // Reconnecting the same account: no push needed, the sync resumes from the saved cursor.
    await connectedOwner({ account: owner.address, locationId: owner.locationId, userId: owner.userId });
    await runAlarms(owner.address);
    expect(await subjectsOf(owner)).toEqual(["Before 1", "Paused 1", "Paused 2"]);
  }, 20_000);
});
