import { describe, expect, it } from "vitest";
import { GmailError } from "../../../src/gmail/client";
import { createQuotaGate } from "../../../src/mailbox/quota-gate";
import { memoryQuotaSpends, type QuotaSpendStore } from "../../../src/mailbox/quota-spends";
import { QUOTA_WINDOW_MS } from "../../../src/sync/quota";

const NOW = 1_800_000_000_000;

function gate(spends: QuotaSpendStore, clock: { t: number }, slept: number[] = []) {
  return createQuotaGate({
    limitPerMinute: () => 6000,
    spends,
    now: () => clock.t,
    sleep: async (ms) => {
      slept.push(ms);
      clock.t += ms;
    },
  });
}

describe("createQuotaGate", () => {
  it.each<[string, number, number, "go" | "sleep" | "throw"]>([
    // 6,000 units/min: the pacer allows 5,820 per minute, 97 per second with a burst of 145.
    ["room left in the window and the bucket refilled, the burst 59 s old: goes at once", 5_000, 700, "go"],
    ["one unit over, the burst 59 s old: sleeps the last second", 5_819, 2, "sleep"],
    ["one unit over, the burst 10 s old: ends with rate_limited naming the window's end", 5_819, 2, "throw"],
  ])("%s", async (name, burst, units, expected) => {
    const spends = memoryQuotaSpends();
    const age = name.includes("59 s") ? 59_000 : 10_000;
    const clock = { t: NOW - age };
    await gate(spends, clock)(burst);
    clock.t = NOW;
    const slept: number[] = [];
    // A second gate over the same store: what a Durable Object woken after an eviction builds.
    const call = gate(spends, clock, slept)(units);
    if (expected === "throw") {
      await expect(call).rejects.toMatchObject({
        kind: "rate_limited",
        reason: "local_quota_pacing",
        retryAt: NOW - age + QUOTA_WINDOW_MS,
      });
      await call.catch((error: unknown) => expect(error).toBeInstanceOf(GmailError));
      return;
    }
    await call;
    expect(slept.length > 0).toBe(expected === "sleep");
    expect(spends.live(clock.t).reduce((sum, s) => sum + s.units, 0)).toBe(
      expected === "sleep" ? units : burst + units,
    );
  });
});
