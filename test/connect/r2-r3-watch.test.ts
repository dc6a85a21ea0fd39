import { describe, expect, it } from "vitest";
import {
  advanceClock,
  counters,
  createAccount,
  deliver,
  failNext,
  failNextDomainPolicy,
  readMailbox,
  revoke,
  uniqueEmail,
} from "../support/google";
import { connectMailbox, getMailbox, mailboxStatus, runCron } from "../support/connect";
import { WATCH_FAILURES_VISIBLE } from "../../src/sync/watch-renewal";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Moves the account's Google clock and runs the cron at the same simulated moment. */
async function tick(account: string, start: number, offset: number, step: number): Promise<number> {
  await advanceClock(account, step);
  await runCron(start + offset + step);
  return offset + step;
}

describe("R2: sync starts at the moment of connecting", () => {
  it("R2: the cursor is the historyId the watch returned; mail from before lies behind it", async () => {
    const account = uniqueEmail("r2");
    await createAccount(account);
    const old = await deliver(account, { from: "early@example.com", to: account, subject: "Before", text: "old" });
    const before = await readMailbox(account);
    const { address } = await connectMailbox({ account });
    const status = await mailboxStatus(address);
    expect(status.historyId).toBe(before.historyId);
    expect(BigInt(status.historyId ?? "0")).toBeGreaterThanOrEqual(BigInt(old.historyId));
  });
});

describe("R3: the watch", () => {
  it("R3: connecting watches INBOX and SENT on the configured topic", async () => {
    const account = uniqueEmail("r3-start");
    const { locationId, userId } = await connectMailbox({ account });
    const box = await readMailbox(account);
    expect(box.watch).toMatchObject({ topicName: "projects/crm-test/topics/gmail" });
    expect([...(box.watch?.labelIds ?? [])].sort()).toEqual(["INBOX", "SENT"]);
    const mailbox = await getMailbox(locationId, userId);
    expect(mailbox.watchExpiresAt).toBe(box.watch?.expiration);
  });

  it("R3: across eight simulated days the cron renews the watch at least daily and it never lapses", async () => {
    const account = uniqueEmail("r3-days");
    const { address } = await connectMailbox({ account });
    const start = Date.now();
    const before = (await counters(account)).requests["users.watch"] ?? 0;
    let offset = 0;
    let lastRenewal = start;
    while (offset < 8 * DAY) {
      offset = await tick(account, start, offset, 4 * HOUR);
      const box = await readMailbox(account);
      const googleNow = Date.parse(box.now);
      expect(box.watch).not.toBeNull();
      expect(Date.parse(box.watch?.expiration ?? "") - googleNow).toBeGreaterThan(5 * DAY);
      const status = await mailboxStatus(address, start + offset);
      if (status.watchExpiresAt !== null && status.watchExpiresAt > lastRenewal + 7 * DAY - HOUR)
        lastRenewal = start + offset;
      expect(start + offset - lastRenewal).toBeLessThanOrEqual(DAY);
    }
    const renewals = ((await counters(account)).requests["users.watch"] ?? 0) - before;
    expect(renewals).toBeGreaterThanOrEqual(8);
    expect(renewals).toBeLessThanOrEqual(9);
  }, 60_000);

  it("R3: a failing renewal backs off, shows as failing, and succeeds later before the watch lapses", async () => {
    const account = uniqueEmail("r3-fail");
    const { address, locationId, userId } = await connectMailbox({ account });
    const start = Date.now();
    await failNext(account, "users.watch", 503, WATCH_FAILURES_VISIBLE);
    let offset = await tick(account, start, 0, DAY);
    expect((await mailboxStatus(address, start + offset)).watchRenewal).toMatchObject({
      state: "retrying",
      failures: 1,
    });
    // Within the backoff nothing is tried; after it, the next failures.
    for (let i = 1; i < WATCH_FAILURES_VISIBLE; i += 1) offset = await tick(account, start, offset, HOUR);
    const failing = await getMailbox(locationId, userId);
    expect(failing.watchRenewal.state).toBe("failing");
    expect(failing.watchRenewal.failures).toBe(WATCH_FAILURES_VISIBLE);
    expect(failing.watchRenewal.lastError).toContain("retry");
    expect(failing.status).toBe("active");
    offset = await tick(account, start, offset, HOUR);
    const healed = await getMailbox(locationId, userId);
    expect(healed.watchRenewal).toEqual({ state: "ok", failures: 0, lastError: null });
    const box = await readMailbox(account);
    expect(Date.parse(box.watch?.expiration ?? "")).toBeGreaterThan(Date.parse(box.now) + 6 * DAY);
  });

  it("R3/R6: a renewal refused with 403 domainPolicy turns the mailbox needs_reauth at once instead of retrying", async () => {
    const account = uniqueEmail("r3-policy");
    const { address, locationId, userId } = await connectMailbox({ account });
    const start = Date.now();
    // The Workspace admin disables Gmail apps: the watch renewal is refused, not failing for a while.
    await failNextDomainPolicy(account, "users.watch", 3);
    let offset = await tick(account, start, 0, DAY);
    const paused = await getMailbox(locationId, userId);
    expect(paused.status).toBe("needs_reauth");
    expect(paused.watchRenewal).toEqual({ state: "ok", failures: 0, lastError: null });
    expect((await mailboxStatus(address)).reauthReason).toBe("domainPolicy");
    // Paused, so no renewal is tried again until the user reconnects.
    const watchCalls = (await counters(account)).requests["users.watch"] ?? 0;
    offset = await tick(account, start, offset, DAY);
    await tick(account, start, offset, HOUR);
    expect((await counters(account)).requests["users.watch"] ?? 0).toBe(watchCalls);
    expect((await getMailbox(locationId, userId)).status).toBe("needs_reauth");
  });

  it("R3/R6: mailboxes in needs_reauth are skipped by the renewal", async () => {
    const account = uniqueEmail("r3-reauth");
    const { address } = await connectMailbox({ account });
    const start = Date.now();
    await revoke(account);
    let offset = await tick(account, start, 0, DAY);
    expect((await mailboxStatus(address)).status).toBe("needs_reauth");
    const watchCalls = (await counters(account)).requests["users.watch"] ?? 0;
    offset = await tick(account, start, offset, DAY);
    await tick(account, start, offset, DAY);
    expect((await counters(account)).requests["users.watch"] ?? 0).toBe(watchCalls);
    expect((await mailboxStatus(address)).status).toBe("needs_reauth");
  });
});
