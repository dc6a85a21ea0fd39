/*
 * Its own file: abortAllDurableObjects() resets every Durable Object of the test file's runtime, so it
 * would cut the runs of other tests sharing it.
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { mailboxStub } from "../../src/mailbox/stub";
import { alarmRunning } from "../support/alarm-runs";
import { api, locationToken } from "../support/api";
import {
  advanceClock,
  deliver,
  deliverPushes,
  hangNext,
  PUSH_SPACING_MS,
  readMailbox,
  uniqueEmail,
} from "../support/google";
import {
  addContact,
  connectedOwner,
  messagesOf,
  runAlarms,
  syncInternals,
  trailingReadAt,
  type Owner,
} from "./support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function conversationsOf(owner: Owner, contactId: string): Promise<{ id: string; messageCount: number }[]> {
  const token = await locationToken(owner.locationId);
  const res = await api<{ conversations: { id: string; messageCount: number }[] }>(
    "GET",
    `/v1/locations/${owner.locationId}/conversations?contactId=${contactId}`,
    { token },
  );
  return res.body.conversations;
}

async function alarmOf(address: string): Promise<number | null> {
  return runInDurableObject(mailboxStub(env, address), (_instance, state) => state.storage.getAlarm());
}

describe("R22: the mailbox object reset while its alarm is mid-batch", () => {
  it("R22: the mailbox object reset mid-batch loses the run, not the work: every message stored once, the cursor never ahead of the rows", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("evict", "client.test"));
    const before = (await syncInternals(owner.address)).cursor;
    const timeoutMs = loadConfig(env).GOOGLE_TIMEOUT_MS;
    // The batch read hangs past our deadline: a run that survived the reset would hold the alarm until it.
    await hangNext(owner.address, "users.messages.get", timeoutMs * 3);
    const delivered: string[] = [];
    for (let i = 0; i < 3; i++) {
      await advanceClock(owner.address, PUSH_SPACING_MS);
      delivered.push(
        (await deliver(owner.address, { from: contact.email, to: owner.address, subject: `Reset ${i + 1}` })).id,
      );
    }
    delivered.sort();
    const covering = (await readMailbox(owner.address)).historyId;
    // No run starts before the push, so a run holding the hung call could not give up before this.
    const hungUntil = Date.now() + timeoutMs;
    await deliverPushes(owner.address, (r) => exports.default.fetch(r));

    // Mid-batch: history read, every message queued, the alarm waiting on Gmail; nothing stored, cursor unmoved.
    const midBatch = () =>
      runInDurableObject(mailboxStub(env, owner.address), (instance, state) => ({
        syncing: alarmRunning(instance),
        pending: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sync_pending").one().n,
      }));
    for (let i = 0; i < 300 && !((await midBatch()).syncing && (await midBatch()).pending === delivered.length); i++)
      await sleep(10);
    expect(await midBatch()).toEqual({ syncing: true, pending: delivered.length });
    expect((await syncInternals(owner.address)).cursor).toBe(before);
    expect(await messagesOf(owner.locationId)).toEqual([]);

    await abortAllDurableObjects();

    // The fresh instance finds the queue as the reset left it: every message still pending, cursor unmoved.
    const reset = await syncInternals(owner.address);
    expect([...reset.pending].sort()).toEqual(delivered);
    expect(reset.cursor).toBe(before);

    // The runtime retries the cut alarm by itself. At every look, the cursor moves only once every row is
    // in, and no message is stored twice.
    let doneAt: number | null = null;
    while (Date.now() < hungUntil + 1_000) {
      const cursor = (await syncInternals(owner.address)).cursor;
      const ids = (await messagesOf(owner.locationId)).map((m) => m.gmail?.messageId ?? "").sort();
      expect(new Set(ids).size).toBe(ids.length);
      if (cursor !== before) {
        expect(cursor).toBe(covering);
        expect(ids).toEqual(delivered);
        doneAt ??= Date.now();
      }
      await sleep(50);
    }
    // Proof the reset cut the run: alarms of one object never overlap, so the sync finished while the cut
    // run's call was still hanging only because that run was gone; and nothing of it was recorded later.
    expect(doneAt).not.toBeNull();
    expect(doneAt ?? Infinity).toBeLessThan(hungUntil);
    expect((await syncInternals(owner.address)).state).toMatchObject({ failures: 0, retry_at: null, last_error: null });
    // The only alarm left is reading 15's trailing history read.
    expect(await alarmOf(owner.address)).toBe(await trailingReadAt(owner.address));

    await runAlarms(owner.address);
    const stored = await messagesOf(owner.locationId);
    expect(stored.map((m) => m.gmail?.messageId ?? "").sort()).toEqual(delivered);
    expect(stored.map((m) => m.subject).sort()).toEqual(["Reset 1", "Reset 2", "Reset 3"]);
    const conversations = await conversationsOf(owner, contact.id);
    for (const conversation of conversations) {
      expect(conversation.messageCount).toBe(stored.filter((m) => m.conversationId === conversation.id).length);
    }
    expect(conversations.reduce((n, c) => n + c.messageCount, 0)).toBe(delivered.length);
    expect(await syncInternals(owner.address)).toMatchObject({ cursor: covering, pending: [], parked: [] });
  }, 30_000);
});
