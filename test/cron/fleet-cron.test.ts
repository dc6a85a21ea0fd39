import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DUE_PAGE_SIZE, enqueueDueMailboxTasks } from "../../src/cron/fan-out";
import type { MailboxTask } from "../../src/cron/mailbox-tasks";
import worker from "../../src/index";
import { mailboxStub } from "../../src/mailbox/stub";
import { CATCH_UP_SPREAD_MS } from "../../src/sync/catch-up";
import { connectMailbox, runCron } from "../support/connect";
import { createAccount, deliver, uniqueEmail } from "../support/google";
import { addContact, messagesOf, runAlarms } from "../sync/support";

/** Holds what the fan-out sends, so a test can count tasks without waking thousands of Durable Objects. */
function holdingQueue(): { queue: Queue<MailboxTask>; sent: MailboxTask[]; calls: number } {
  const held = { sent: [] as MailboxTask[], calls: 0, queue: undefined as unknown as Queue<MailboxTask> };
  held.queue = {
    send: async (body: MailboxTask) => {
      held.calls += 1;
      held.sent.push(body);
    },
    sendBatch: async (messages: Iterable<{ body: MailboxTask }>) => {
      held.calls += 1;
      for (const m of messages) held.sent.push(m.body);
    },
  } as unknown as Queue<MailboxTask>;
  return held;
}

async function insertFleet(prefix: string, count: number, now: number): Promise<void> {
  const rows = Array.from(
    { length: count },
    (_, i) => `('${prefix}${String(i).padStart(5, "0")}@gmail.com', 'u-${prefix}', 'active', NULL, NULL, ${now})`,
  );
  for (let i = 0; i < rows.length; i += 500) {
    await env.DB.prepare(
      `INSERT INTO mailboxes (address, owner_user_id, status, last_synced_at, watch_expires_at, updated_at) VALUES ${rows.slice(i, i + 500).join(",")}`,
    ).run();
  }
}

describe("the cron for a fleet (R3, R22, issue 19)", () => {
  it("R3/R22: every due mailbox of a fleet larger than a page gets exactly one task of each kind, in a bounded number of subrequests", async () => {
    const now = Date.now();
    const prefix = `fleet-${crypto.randomUUID().slice(0, 8)}-`;
    const count = 2 * DUE_PAGE_SIZE + 345;
    await insertFleet(prefix, count, now);
    const held = holdingQueue();
    const tally = await enqueueDueMailboxTasks({ ...env, MAILBOX_TASKS: held.queue }, now);

    const ours = held.sent.filter((t) => t.address.startsWith(prefix));
    for (const kind of ["renew_watch", "catch_up"] as const) {
      const addresses = ours.filter((t) => t.kind === kind).map((t) => t.address);
      expect(addresses).toHaveLength(count);
      expect(new Set(addresses).size).toBe(count);
    }
    expect(ours.every((t) => t.at === now)).toBe(true);
    // Pages of 1,000 rows and batches of 100 messages: a few dozen subrequests, not one per mailbox.
    expect(tally.subrequests).toBe(
      held.calls + Math.ceil((tally.renewals + 1) / DUE_PAGE_SIZE) + Math.ceil((tally.catchUps + 1) / DUE_PAGE_SIZE),
    );
    expect(held.calls).toBe(Math.ceil(tally.renewals / 100) + Math.ceil(tally.catchUps / 100));
    // The fleet is rows only (no Durable Objects behind them): gone before the next test's ticks.
    await env.DB.prepare("DELETE FROM mailboxes WHERE address LIKE ?").bind(`${prefix}%`).run();
  });

  it("R22: a mailbox whose push never came is caught up: the tick's task reaches its Durable Object through the consumer", async () => {
    const account = uniqueEmail("fleet-real");
    await createAccount(account);
    const owner = await connectMailbox({ account });
    const contact = await addContact(owner.locationId, uniqueEmail("contact", "client.test"));
    // The mail arrives and Gmail's notification is lost: no push reaches the service.
    await deliver(owner.address, {
      from: contact.email,
      to: owner.address,
      subject: "No push came",
      text: "caught up",
    });
    await env.DB.prepare("UPDATE mailboxes SET last_synced_at = NULL WHERE address = ?").bind(owner.address).run();

    // A tick whose spread window has already passed, so the catch-up it requests is due at once.
    await runCron(Date.now() - CATCH_UP_SPREAD_MS);
    const wanted = await runInDurableObject(
      mailboxStub(env, owner.address),
      (_i, state) =>
        state.storage.sql.exec<{ wanted: number }>("SELECT wanted FROM sync_state").toArray()[0]?.wanted ?? 0,
    );
    expect(wanted).toBe(1);
    await runAlarms(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["No push came"]);
  }, 30_000);

  it("a malformed task is acknowledged and dropped, the others done", async () => {
    const { createExecutionContext, createMessageBatch, getQueueResult } = await import("cloudflare:test");
    const batch = createMessageBatch("crm-gmail-sync-mailbox-tasks", [
      { id: "bad", timestamp: Date.now(), attempts: 1, body: { kind: "drop_tables", address: 1 } },
      {
        id: "ok",
        timestamp: Date.now(),
        attempts: 1,
        body: { kind: "catch_up", address: uniqueEmail("never-connected"), at: Date.now() },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["bad", "ok"]);
    expect(result.retryMessages).toEqual([]);
  });
});
