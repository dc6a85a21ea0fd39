import { describe, expect, it } from "vitest";
import {
  QUOTA_WINDOW_MS,
  messagesForNextBatch,
  messagesPerBatch,
  paceQuotaCall,
  pruneQuotaSpends,
  quotaLimits,
  type PaceDecision,
  type QuotaSpend,
} from "../../../src/sync/quota";
import { spendQuota } from "../../../emulator/gmail/quota";

const NOW = 1_800_000_000_000;
const S = 1_000;

describe("paceQuotaCall (reading 9: per-second moving average and per-minute quota)", () => {
  // 6,000 units/min: 6,000 in any sliding minute, 100 in any sliding second, 200 in any two (Google's figures).
  it.each<[string, QuotaSpend[], number, number, Partial<PaceDecision>]>([
    ["an empty window: go", [], 6000, 5, { go: true, usedInWindow: 0, budget: 6000 }],
    ["a second's budget at once: go", [], 6000, 100, { go: true }],
    [
      "past the second's budget: wait for the second to pass",
      [{ at: NOW - 200, units: 100 }],
      6000,
      5,
      { go: false, waitUntil: NOW + 800 },
    ],
    ["the second passed: go", [{ at: NOW - S, units: 100 }], 6000, 100, { go: true }],
    [
      "a spend answered in the future (a call in flight, dated now) holds the second a full second",
      [{ at: NOW, units: 100 }],
      6000,
      5,
      { go: false, waitUntil: NOW + S },
    ],
    [
      "under the minute budget, spread out: go",
      [{ at: NOW - 10 * S, units: 5000 }],
      6000,
      100,
      { go: true, usedInWindow: 5000 },
    ],
    [
      "over the minute budget: wait until enough spends age out",
      [
        { at: NOW - 50 * S, units: 3000 },
        { at: NOW - 20 * S, units: 2950 },
      ],
      6000,
      100,
      { go: false, waitUntil: NOW - 50 * S + QUOTA_WINDOW_MS, usedInWindow: 5950 },
    ],
    [
      "spends exactly 60 s old no longer count",
      [{ at: NOW - QUOTA_WINDOW_MS, units: 6000 }],
      6000,
      100,
      { go: true, usedInWindow: 0 },
    ],
    [
      "unordered spends are handled",
      [
        { at: NOW - 5 * S, units: 2000 },
        { at: NOW - 55 * S, units: 4000 },
      ],
      6000,
      100,
      { go: false, waitUntil: NOW + 5 * S },
    ],
    [
      "a call larger than a second's budget (a send at 3,000/min) goes alone into an empty second",
      [{ at: NOW - 1500, units: 20 }],
      3000,
      80,
      { go: true },
    ],
    [
      "a call larger than a second's budget waits for an empty second",
      [{ at: NOW - 100, units: 5 }],
      3000,
      80,
      { go: false, waitUntil: NOW + 900 },
    ],
    [
      "…and for room in Google's two seconds (100 at 3,000/min): the burst allowance is never overdrawn",
      [{ at: NOW - 1500, units: 50 }],
      3000,
      80,
      { go: false, waitUntil: NOW + 500 },
    ],
    ["a free call always goes", [{ at: NOW, units: 9999 }], 6000, 0, { go: true }],
  ])("%s", (_name, spent, limit, units, expected) => {
    expect(paceQuotaCall({ spent, limitPerMinute: limit, units, now: NOW })).toMatchObject(expected);
  });

  it("a caller's share sets the budget (R30's reconciliation takes half)", () => {
    expect(paceQuotaCall({ spent: [], limitPerMinute: 15_000, units: 5, now: NOW, share: 0.5 }).budget).toBe(7_500);
    expect(quotaLimits(15_000, 0.5).secondBudget).toBe(125);
  });

  it.each([
    [6000, 20],
    [15_000, 50],
  ])("at %i units/min a batch of messages.get spends one second's budget: %i messages", (limit, batch) => {
    expect(messagesPerBatch(limit)).toBe(batch);
    expect(batch * 5).toBeLessThanOrEqual(quotaLimits(limit).secondBudget);
  });

  it.each<[string, QuotaSpend[], number, number]>([
    ["an empty window: a full batch", [], 15_000, 50],
    ["a history page (2 units) this second: the batch shrinks around it", [{ at: NOW - 10, units: 2 }], 15_000, 49],
    [
      "a send (100 units) just now at 6,000/min: no room, so a full batch, which waits",
      [{ at: NOW, units: 100 }],
      6000,
      20,
    ],
    ["half a batch's room: half a batch", [{ at: NOW - 500, units: 125 }], 15_000, 25],
    [
      "less than half a batch's room: a full batch, which waits for its room",
      [{ at: NOW - 500, units: 130 }],
      15_000,
      50,
    ],
    [
      "the second is free but the two seconds are not",
      [
        { at: NOW - 1500, units: 250 },
        { at: NOW - 1001, units: 100 },
      ],
      15_000,
      30,
    ],
    ["the minute nearly spent: a full batch, which waits", [{ at: NOW - 30 * S, units: 14_900 }], 15_000, 50],
  ])("messagesForNextBatch: %s", (_name, spent, limit, expected) => {
    expect(messagesForNextBatch({ spent, limitPerMinute: limit, now: NOW })).toBe(expected);
  });

  it.each([6000, 15_000])(
    "a greedy caller at %i units/min reaches ≥ 95% of the quota, never over Google's per-second average nor any 60 s",
    (limit) => {
      const spends: QuotaSpend[] = [];
      let t = NOW;
      const end = NOW + 10 * QUOTA_WINDOW_MS;
      let i = 0;
      while (t < end) {
        // The sync's mix: batches of messages.get (sized to the room left) between history pages.
        const batch = 5 * messagesForNextBatch({ spent: spends, limitPerMinute: limit, now: t });
        const units = [batch, 2, batch, batch, 2][i % 5] ?? 5;
        const decision = paceQuotaCall({ spent: pruneQuotaSpends(spends, t), limitPerMinute: limit, units, now: t });
        if (decision.go) {
          // Answered (and dated) 20 ms after it went; Google counted it somewhere in between.
          spends.push({ at: t + 20, units });
          i++;
          t += 20;
        } else {
          expect(decision.waitUntil).toBeGreaterThan(t);
          t = decision.waitUntil;
        }
      }
      const total = spends.filter((s) => s.at < end).reduce((sum, s) => sum + s.units, 0);
      expect(total).toBeGreaterThanOrEqual(0.95 * limit * 10);
      // Google's side (the emulator's arithmetic): every call accepted, in order, by both of its limits.
      let google: Array<[number, number]> = [];
      for (const s of spends) {
        const answer = spendQuota(google, s.at, s.units, limit);
        expect(answer.ok, `refused at +${s.at - NOW} ms`).toBe(true);
        google = answer.spent;
      }
    },
  );
});

describe("pruneQuotaSpends", () => {
  it("keeps what is inside the window, oldest first", () => {
    const spends = [
      { at: NOW - 1, units: 1 },
      { at: NOW - QUOTA_WINDOW_MS, units: 2 },
      { at: NOW - 30 * S, units: 3 },
    ];
    expect(pruneQuotaSpends(spends, NOW)).toEqual([
      { at: NOW - 30 * S, units: 3 },
      { at: NOW - 1, units: 1 },
    ]);
  });
});
