import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import type { QuotaGate } from "../../src/gmail/client";
import { createQuotaGate } from "../../src/mailbox/quota-gate";
import { sqlQuotaSpends } from "../../src/mailbox/quota-spends";
import { mailboxStub } from "../../src/mailbox/stub";
import { QUOTA_WINDOW_MS } from "../../src/sync/quota";
import { counters, deliver, deliverPushes, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, messagesOf, runAlarms, syncInternals, waitForRun } from "./support";

/**
 * A pacer over the mailbox's own quota window (its `quota_spend` table, inside runInDurableObject), built as the
 * object builds its own: a test spends quota there as a burst of Gmail calls would.
 */
function gateOf(storage: DurableObjectStorage): QuotaGate {
  return createQuotaGate({
    limitPerMinute: () => loadConfig(env).GMAIL_USER_QUOTA_PER_MINUTE,
    spends: sqlQuotaSpends(storage),
  });
}

describe("Gmail quota pacing (GMAIL_USER_QUOTA_PER_MINUTE)", () => {
  it("reading 9: every unit Google charged the mailbox went through its pacer, the connect's users.watch included", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("ledger", "client.test"));
    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Counted", text: "once" });
    await deliverPushes(owner.address, (r) => exports.default.fetch(r));
    await runAlarms(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["Counted"]);

    const charged = await counters(owner.address);
    const paced = await runInDurableObject(mailboxStub(env, owner.address), (_instance, state) =>
      state.storage.sql.exec<{ units: number }>("SELECT coalesce(sum(units), 0) AS units FROM quota_spend").one(),
    );
    // users.watch (100), history.list (2), messages.get (5) at least: all of them in the pacer's window.
    expect(charged.totalUnits).toBeGreaterThanOrEqual(107);
    expect(paced.units).toBe(charged.totalUnits);
  });

  it("R22: the pacer's window survives an eviction: a fresh object spends nothing until the minute has room", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("paced", "client.test"));
    const stub = mailboxStub(env, owner.address);
    // A burst spent 14,999 of the test config's 15,000 units per minute (a call larger than a second's share goes
    // alone into an empty window), answered at once; the connect's users.watch is left out, for a known window.
    const spentAt = Date.now();
    await runInDurableObject(stub, async (_instance, state) => {
      state.storage.sql.exec("DELETE FROM quota_spend");
      (await gateOf(state.storage)(14_999)).settle();
    });
    await evictDurableObject(stub);

    await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Paced", text: "later" });
    const before = (await counters(owner.address)).totalRequests;
    await deliverPushes(owner.address, (r) => exports.default.fetch(r));
    const alarm = (await waitForRun(owner.address)) ?? 0;

    // history.list (2 units) would overshoot: no Gmail call, the alarm waits for the burst to leave the window.
    expect((await counters(owner.address)).totalRequests).toBe(before);
    expect(alarm).toBeGreaterThanOrEqual(spentAt + QUOTA_WINDOW_MS);
    // Waiting for our own pacer is no failure: no backoff grows from it, no error is recorded.
    expect((await syncInternals(owner.address)).state).toMatchObject({ failures: 0, last_error: null });
    expect(await messagesOf(owner.locationId)).toEqual([]);

    // The minute passes (its spends are forgotten): the sync goes on with what waited.
    await runInDurableObject(stub, (_instance, state) => state.storage.sql.exec("DELETE FROM quota_spend"));
    await runAlarms(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["Paced"]);
  });

  it("R22: spends are kept one row per second, not one per call, and pruned as they leave the window", async () => {
    const owner = await connectedOwner();
    const rows = await runInDurableObject(mailboxStub(env, owner.address), async (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DELETE FROM quota_spend"); // the connect's users.watch
      sql.exec(
        "INSERT INTO quota_spend (second, units, last_at) VALUES (?, 5, ?)",
        Math.floor((Date.now() - 2 * QUOTA_WINDOW_MS) / 1000),
        Date.now() - 2 * QUOTA_WINDOW_MS,
      );
      const gate = gateOf(state.storage);
      for (let i = 0; i < 20; i++) (await gate(5)).settle();
      return sql
        .exec<{ units: number }>("SELECT units FROM quota_spend")
        .toArray()
        .map((r) => r.units);
    });
    // Twenty calls within a second or two: one or two rows, all 100 units there, the stale row gone.
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.reduce((a, b) => a + b, 0)).toBe(100);
  });
});
