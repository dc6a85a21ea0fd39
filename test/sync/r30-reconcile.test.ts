import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mailboxStub } from "../../src/mailbox/stub";
import { connectMailbox } from "../support/connect";
import {
  advanceClock,
  counters,
  deliver,
  deliverPushes,
  failNext,
  hideFromHistory,
  PUSH_SPACING_MS,
  raiseRetentionFloor,
  resetCounters,
  revoke,
  setLabels,
  uniqueEmail,
} from "../support/google";
import { explain, requestReconcile, syncReport, today } from "./proof-support";
import {
  addContact,
  connectedOwner,
  messagesOf,
  pushAndSync,
  runAlarms,
  syncNow,
  waitForRun,
  type Owner,
} from "./support";

const mail = (prefix: string) => uniqueEmail(prefix, "client.test");

/** "Reconcile now" through the API, then the mailbox runs until idle. */
async function reconcile(owner: Owner): Promise<void> {
  const res = await requestReconcile(owner);
  expect(res.status).toBe(202);
  await runAlarms(owner.address);
}

async function reconcileState(address: string): Promise<Record<string, unknown>> {
  return runInDurableObject(
    mailboxStub(env, address),
    (_instance, state) => state.storage.sql.exec("SELECT * FROM reconcile_state").toArray()[0] ?? {},
  );
}

describe("R30: the daily reconciliation finds what history never reported", { timeout: 30_000 }, () => {
  it("R30: three messages hidden from history are healed by the next reconciliation, once, and counted", async () => {
    const owner = await connectedOwner();
    const ann = await addContact(owner.locationId, mail("ann"));
    await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Seen" });
    const hidden = [];
    for (const n of [1, 2, 3])
      hidden.push(
        await deliver(owner.address, {
          from: ann.email,
          to: owner.address,
          subject: `Hidden ${n}`,
          hideFromHistory: true,
        }),
      );
    await pushAndSync(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["Seen"]);
    for (const m of hidden) expect((await explain(owner, m.id)).decision).toBe("unknown");
    expect((await syncReport(owner)).lastReconciledAt).toBeNull();

    const first = await requestReconcile(owner);
    const again = await requestReconcile(owner);
    expect(first.status).toBe(202);
    // A second request while one is queued answers the same time (API.md).
    expect(again.body).toEqual(first.body);
    await runAlarms(owner.address);

    expect((await messagesOf(owner.locationId)).map((m) => m.subject).sort()).toEqual([
      "Hidden 1",
      "Hidden 2",
      "Hidden 3",
      "Seen",
    ]);
    expect(await today(owner)).toMatchObject({ seen: 4, stored: 4, healed: 3 });
    for (const m of hidden)
      expect(await explain(owner, m.id)).toMatchObject({ decision: "stored", reason: "sender_contact", rule: "R8" });
    const report = await syncReport(owner);
    const requestedAt = (first.body as { reconciliation: { requestedAt: string } }).reconciliation.requestedAt;
    expect(Date.parse(report.lastReconciledAt ?? "")).toBeGreaterThanOrEqual(Date.parse(requestedAt));

    // Exactly once: the next reconciliation finds nothing missing and heals nothing more.
    await reconcile(owner);
    expect(await messagesOf(owner.locationId)).toHaveLength(4);
    expect(await today(owner)).toMatchObject({ seen: 4, stored: 4, healed: 3 });
  });

  it("R30: every active mailbox reconciles by itself once its daily slot comes, woken like the catch-up", async () => {
    const owner = await connectedOwner();
    const connectedAt = Date.now();
    const ann = await addContact(owner.locationId, mail("ann"));
    await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Hidden", hideFromHistory: true });
    await pushAndSync(owner.address);
    // The first slot is set at the first idle sync: within a day of connecting, an hour at least.
    const slot = Number((await reconcileState(owner.address)).due_at);
    expect(slot).toBeGreaterThanOrEqual(connectedAt + 3_600_000 - 5_000);
    expect(slot).toBeLessThan(connectedAt + 86_400_000);
    expect(await messagesOf(owner.locationId)).toEqual([]);

    // The slot comes (moved to now here); the cron's catch-up wakes the mailbox, nobody asked for a reconciliation.
    const due = Date.now() - 1_000;
    await runInDurableObject(mailboxStub(env, owner.address), (_instance, state) =>
      state.storage.sql.exec("UPDATE reconcile_state SET due_at = ?", due),
    );
    await syncNow(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["Hidden"]);
    expect(await today(owner)).toMatchObject({ healed: 1 });
    // The next one is a day later, at the same time of day.
    expect(await reconcileState(owner.address)).toMatchObject({
      due_at: due + 86_400_000,
      requested_at: null,
      run_started_at: null,
    });
  });

  it("R30: with nothing missing a reconciliation costs a few list pages and one history read, nothing else", async () => {
    const owner = await connectedOwner();
    const ann = await addContact(owner.locationId, mail("ann"));
    for (const n of [1, 2, 3, 4, 5])
      await deliver(owner.address, { from: ann.email, to: owner.address, subject: `Mail ${n}` });
    await pushAndSync(owner.address);
    await resetCounters(owner.address);
    await reconcile(owner);
    const spent = await counters(owner.address);
    // INBOX and SENT, one page each, then the history read that lets mail arriving meanwhile show up.
    expect(spent.requests).toEqual({ "users.messages.list": 2, "users.history.list": 1 });
    expect(spent.totalUnits).toBe(2 * 5 + 2);
    expect(await today(owner)).toMatchObject({ seen: 5, stored: 5, healed: 0 });
  });

  it("R30/R8: messages moved into INBOX later are found too, also when first seen outside it", async () => {
    const owner = await connectedOwner();
    const ann = await addContact(owner.locationId, mail("ann"));
    // Archived when it arrived, moved into INBOX later; history never tells.
    const archived = await deliver(owner.address, {
      from: ann.email,
      to: owner.address,
      subject: "Archived",
      labelIds: ["CATEGORY_PERSONAL"],
    });
    // Seen in TRASH (ignored_label), restored later; history never tells of the restore.
    const trashed = await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Trashed" });
    await setLabels(owner.address, trashed.id, { add: ["TRASH"] });
    await pushAndSync(owner.address);
    expect(await explain(owner, trashed.id)).toMatchObject({ decision: "skipped", reason: "ignored_label" });

    await advanceClock(owner.address, PUSH_SPACING_MS);
    await setLabels(owner.address, archived.id, { add: ["INBOX"] });
    await setLabels(owner.address, trashed.id, { remove: ["TRASH"] });
    await hideFromHistory(owner.address, [archived.id, trashed.id]);
    await pushAndSync(owner.address);
    expect(await messagesOf(owner.locationId)).toEqual([]);

    await reconcile(owner);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject).sort()).toEqual(["Archived", "Trashed"]);
    expect(await today(owner)).toMatchObject({
      stored: 2,
      healed: 2,
      skipped: expect.objectContaining({ ignored_label: 0 }),
    });
  });

  it("R30/R6: after a history gap the catch-up takes what it lists; the reconciliation heals only what is still missing", async () => {
    const owner = await connectedOwner();
    const ann = await addContact(owner.locationId, mail("ann"));
    await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Before gap", hideFromHistory: true });
    await raiseRetentionFloor(owner.address);
    await syncNow(owner.address);
    // The history 404's catch-up lists the mailbox: the hidden message is simply synced, not healed.
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["Before gap"]);
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deliver(owner.address, { from: ann.email, to: owner.address, subject: "After gap", hideFromHistory: true });
    await pushAndSync(owner.address);

    await reconcile(owner);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject).sort()).toEqual(["After gap", "Before gap"]);
    expect(await today(owner)).toMatchObject({ seen: 2, stored: 2, healed: 1 });
  });

  it("R30/R6: a reconciliation across a needs_reauth pause: refused while paused, heals once after the reconnect", async () => {
    const owner = await connectedOwner();
    const ann = await addContact(owner.locationId, mail("ann"));
    await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Hidden", hideFromHistory: true });
    await revoke(owner.address);
    await syncNow(owner.address);
    const refused = await requestReconcile(owner);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: "mailbox_needs_reauth" } });

    await deliver(owner.address, { from: ann.email, to: owner.address, subject: "While paused" });
    await connectMailbox({ account: owner.address, locationId: owner.locationId, userId: owner.userId });
    await runAlarms(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["While paused"]);

    await reconcile(owner);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject).sort()).toEqual(["Hidden", "While paused"]);
    expect(await today(owner)).toMatchObject({ stored: 2, healed: 1 });
  });

  it("R30: a reconciliation that meets 429s backs off on its own clock; new mail syncs meanwhile, undelayed", async () => {
    const owner = await connectedOwner();
    const ann = await addContact(owner.locationId, mail("ann"));
    await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Hidden", hideFromHistory: true });
    await pushAndSync(owner.address);
    await failNext(owner.address, "users.messages.list", 429, 2);
    expect((await requestReconcile(owner)).status).toBe(202);
    await runDurableObjectAlarm(mailboxStub(env, owner.address));
    const backingOff = await reconcileState(owner.address);
    expect(backingOff).toMatchObject({ failures: 1, run_phase: "list" });
    // At least a minute: background work backs off harder than the sync of new mail.
    expect(Number(backingOff.retry_at)).toBeGreaterThanOrEqual(Date.now() + 50_000);
    // Nothing wakes it before its retry but reading 15's trailing history read.
    expect(await waitForRun(owner.address)).toBeLessThanOrEqual(Number(backingOff.retry_at));

    // New mail arrives while the reconciliation waits: it is synced at once, not at the reconciliation's time.
    await advanceClock(owner.address, PUSH_SPACING_MS);
    await deliver(owner.address, { from: ann.email, to: owner.address, subject: "New" });
    expect((await deliverPushes(owner.address, (request) => exports.default.fetch(request))).statuses).toEqual([204]);
    expect(await waitForRun(owner.address)).toBeLessThanOrEqual(Number(backingOff.retry_at));
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["New"]);
    expect(await reconcileState(owner.address)).toMatchObject({
      failures: 1,
      retry_at: backingOff.retry_at,
      run_phase: "list",
    });

    // Its time come (made due here), the reconciliation meets the second 429, backs off again, then heals.
    await runAlarms(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject).sort()).toEqual(["Hidden", "New"]);
    expect(await today(owner)).toMatchObject({ stored: 2, healed: 1 });
    expect((await counters(owner.address)).requests["users.messages.list"]).toBeGreaterThanOrEqual(4);
  });
});
