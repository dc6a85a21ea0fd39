import { describe, expect, it } from "vitest";
import { spendQuota } from "../../../emulator/gmail/quota";
import { GmailError } from "../../../src/gmail/client";
import { createQuotaGate } from "../../../src/mailbox/quota-gate";
import { memoryQuotaSpends, type QuotaSpendStore } from "../../../src/mailbox/quota-spends";
import { messagesForNextBatch, QUOTA_WINDOW_MS } from "../../../src/sync/quota";

const NOW = 1_800_000_000_000;

function gate(spends: QuotaSpendStore, clock: { t: number }, slept: number[] = [], limit = 6000) {
  return createQuotaGate({
    limitPerMinute: () => limit,
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
    // 6,000 units/min: 6,000 per sliding minute, 100 per second; a call larger than that goes alone.
    ["room left in the minute, the burst 59 s old: goes at once", 5_000, 700, "go"],
    ["one unit over, the burst 59 s old: sleeps the last second", 5_999, 2, "sleep"],
    ["one unit over, the burst 10 s old: ends with rate_limited naming the window's end", 5_999, 2, "throw"],
  ])("%s", async (name, burst, units, expected) => {
    const spends = memoryQuotaSpends();
    const age = name.includes("59 s") ? 59_000 : 10_000;
    const clock = { t: NOW - age };
    (await gate(spends, clock)(burst)).settle();
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
    (await call).settle();
    expect(slept.length > 0).toBe(expected === "sleep");
    expect(spends.live(clock.t).reduce((sum, s) => sum + s.units, 0)).toBe(
      expected === "sleep" ? units : burst + units,
    );
  });

  it("reading 9: a spend is dated at its answer: the next second's budget waits a second after the answer", async () => {
    const spends = memoryQuotaSpends();
    const clock = { t: NOW };
    const slept: number[] = [];
    const paced = gate(spends, clock, slept);
    const first = await paced(100);
    clock.t += 40; // Google counted it somewhere in these 40 ms, parts of a batch one after another
    first.settle();
    (await paced(100)).settle();
    expect(slept).toEqual([1_000]);
    expect(clock.t).toBe(NOW + 40 + 1_000);
  });

  it("reading 9: a call in flight counts; a waiter wakes when it settles and then waits for its answer's date", async () => {
    const spends = memoryQuotaSpends();
    const clock = { t: NOW };
    const sleeps: { ms: number; wake: () => void }[] = [];
    const paced = createQuotaGate({
      limitPerMinute: () => 6000,
      spends,
      now: () => clock.t,
      sleep: (ms) => new Promise<void>((wake) => sleeps.push({ ms, wake })),
    });
    const send = await paced(100);
    let went = false;
    const second = paced(5).then((ticket) => {
      went = true;
      return ticket;
    });
    await Promise.resolve();
    expect(sleeps.map((s) => s.ms)).toEqual([1_000]); // in flight: as if counted now
    clock.t += 300;
    send.settle(); // answered at +300: counted until +1,300
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(went).toBe(false);
    expect(sleeps.map((s) => s.ms)).toEqual([1_000, 1_000]);
    clock.t = NOW + 1_300;
    sleeps[1]?.wake();
    (await second).settle();
    expect(went).toBe(true);
    expect(spends.live(clock.t)).toEqual([
      { at: NOW + 300, units: 100 },
      { at: NOW + 1_300, units: 5 },
    ]);
  });

  it("a ticket settled twice records its spend once", async () => {
    const spends = memoryQuotaSpends();
    const ticket = await gate(spends, { t: NOW })(5);
    ticket.settle();
    ticket.settle();
    expect(spends.live(NOW)).toEqual([{ at: NOW, units: 5 }]);
  });
});

/** A seeded generator: the same jitter on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The sync against Google for three minutes: batches sized by messagesForNextBatch through the gate, a history
 * page every 25th call; Google (the emulator's arithmetic) counts each message of a batch as it reaches it,
 * 1–30 ms after dispatch and 0.4 ms apart, answers 1–10 ms after the last, and the sync stores for 20–150 ms.
 */
async function simulate(limit: number, dated: "at the answer" | "at dispatch") {
  const spends = memoryQuotaSpends();
  const clock = { t: NOW };
  const paced = gate(spends, clock, [], limit);
  const next = random(limit);
  const end = NOW + 3 * QUOTA_WINDOW_MS;
  let google: Array<[number, number]> = [];
  const counted: Array<[number, number]> = [];
  let refused = 0;
  for (let call = 0; clock.t < end; call++) {
    const history = call % 25 === 24;
    const parts = history
      ? 1
      : messagesForNextBatch({ spent: spends.live(clock.t), limitPerMinute: limit, now: clock.t });
    const cost = history ? 2 : 5;
    const ticket = await paced(parts * cost);
    if (dated === "at dispatch") ticket.settle();
    let at = clock.t + 1 + next() * 29;
    for (let i = 0; i < parts; i++, at += 0.4) {
      const answer = spendQuota(google, at, cost, limit);
      google = answer.spent;
      if (answer.ok) counted.push([at, cost]);
      else refused += 1;
    }
    clock.t = at + 1 + next() * 9;
    ticket.settle();
    clock.t += 20 + next() * 130;
  }
  const total = counted.filter(([at]) => at < end).reduce((sum, [, units]) => sum + units, 0);
  // Google's charges are in time order: a sliding second over them, its start moved along.
  let busiestSecond = 0;
  let inSecond = 0;
  let first = 0;
  for (const [at, units] of counted) {
    inSecond += units;
    for (; (counted[first]?.[0] ?? at) <= at - 1_000; first++) inSecond -= counted[first]?.[1] ?? 0;
    busiestSecond = Math.max(busiestSecond, inSecond);
  }
  return { refused, ratio: total / (3 * limit), busiestSecond };
}

describe("the gate against Google's moving average, with calls that take time (reading 9)", () => {
  it.each([6000, 15_000])(
    "at %i units/min: ≥ 95% of the quota, no call refused, no second of Google's over its share",
    async (limit) => {
      const run = await simulate(limit, "at the answer");
      expect(run.refused).toBe(0);
      expect(run.ratio).toBeGreaterThanOrEqual(0.95);
      expect(run.busiestSecond).toBeLessThanOrEqual(limit / 60);
    },
  );

  it.each([6000, 15_000])(
    "at %i units/min, spends dated at dispatch (the ledger before) draw 429s: why the gate dates them at the answer",
    async (limit) => {
      const run = await simulate(limit, "at dispatch");
      expect(run.refused).toBeGreaterThan(0);
      expect(run.busiestSecond).toBeGreaterThan(limit / 60);
    },
  );
});
