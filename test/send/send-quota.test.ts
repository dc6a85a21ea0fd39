import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Mailbox } from "../../src/mailbox/mailbox";
import { mailboxStub } from "../../src/mailbox/stub";
import { getMailbox } from "../support/connect";
import { failNext, setQuota } from "../support/google";
import { connectedSender, send, sentInGmail } from "./support";

const LIMIT = Number(env.DAILY_SEND_LIMIT ?? 500);

/** Counted sends already in the mailbox's rolling window (as if sent earlier today), straight into its log. */
async function fillSendLog(address: string, count: number, at = Date.now() - 60_000): Promise<void> {
  await runInDurableObject(mailboxStub(env, address), async (_instance: Mailbox, state) => {
    for (let i = 0; i < count; i++) {
      state.storage.sql.exec(
        "INSERT INTO sends (message_id_header, reserved_at, state, location_id) VALUES (?, ?, 'sent', 'loc-earlier')",
        `<earlier-${i}@test>`,
        at + i,
      );
    }
  });
}

describe("daily cap (R16)", () => {
  it("R16: exactly the cap succeeds when the last sends arrive concurrently; the rest get 429 with the time", async () => {
    const sender = await connectedSender();
    const earliest = Date.now() - 3_600_000;
    await fillSendLog(sender.address, LIMIT - 3, earliest);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => send(sender, { text: `burst ${i}` })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(3);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.body.error?.code).toBe("daily_send_limit");
      // The oldest counted send leaves the window 24 h after it went out.
      expect(answer.body.error?.details?.retryAt).toBe(new Date(earliest + 24 * 3_600_000).toISOString());
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(22 * 3600);
    }
    expect(await sentInGmail(sender.address)).toHaveLength(3);
    const mailbox = await getMailbox(sender.locationId, sender.userId);
    expect(mailbox.sendQuota).toEqual({
      limit: LIMIT,
      used: LIMIT,
      remaining: 0,
      nextAvailableAt: new Date(earliest + 24 * 3_600_000).toISOString(),
    });
  });

  it("R16: a send Gmail refuses does not count", async () => {
    const sender = await connectedSender();
    await failNext(sender.address, "users.messages.send", 403);
    const refused = await send(sender, { text: "refused" });
    expect(refused.status).toBe(502);
    expect(refused.body.error).toMatchObject({
      code: "gmail_error",
      details: { status: 403, reason: "userRateLimitExceeded" },
    });
    expect((await getMailbox(sender.locationId, sender.userId)).sendQuota).toMatchObject({ used: 0, remaining: LIMIT });
    expect((await send(sender, { text: "accepted" })).status).toBe(201);
    expect((await getMailbox(sender.locationId, sender.userId)).sendQuota).toMatchObject({
      used: 1,
      remaining: LIMIT - 1,
      nextAvailableAt: null,
    });
  });

  it("R16: Gmail's own sending limit answers 429, does not count, and blocks the mailbox until the time Gmail named", async () => {
    const sender = await connectedSender();
    await setQuota(sender.address, { dailySendLimit: 1 });
    expect((await send(sender, { text: "one" })).status).toBe(201);
    const limited = await send(sender, { text: "two" });
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe("daily_send_limit");
    const retryAt = String(limited.body.error?.details?.retryAt);
    expect(Date.parse(retryAt)).toBeGreaterThan(Date.now());

    // Blocked here, without asking Gmail again; the quota shows the block.
    await setQuota(sender.address, { dailySendLimit: 100 });
    const blocked = await send(sender, { text: "three" });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error?.details?.retryAt).toBe(retryAt);
    expect((await getMailbox(sender.locationId, sender.userId)).sendQuota).toEqual({
      limit: LIMIT,
      used: 1,
      remaining: 0,
      nextAvailableAt: retryAt,
    });
    expect(await sentInGmail(sender.address)).toHaveLength(1);
  });
});
