import { describe, expect, it } from "vitest";
import {
  QUOTA_WINDOW_MS,
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
  // 6,000 units/min at 97%: 5,820 in any sliding minute, 97 in any sliding second, 194 in any two.
  it.each<[string, QuotaSpend[], number, number, Partial<PaceDecision>]>([
    ["an empty window: go", [], 6000, 5, { go: true, usedInWindow: 0, budget: 5820 }],
    ["a second's budget at once: go", [], 6000, 97, { go: true }],
    [
      "past the second's budget: wait for the second to pass",
      [{ at: NOW - 200, units: 95 }],
      6000,
      5,
      { go: false, waitUntil: NOW + 800 },
    ],
    ["the second passed: go", [{ at: NOW - S, units: 97 }], 6000, 97, { go: true }],
    [
      "under the minute budget, spread out: go",
      [{ at: NOW - 10 * S, units: 5000 }],
      6000,
      97,
      { go: true, usedInWindow: 5000 },
    ],
    [
      "over the minute budget: wait until enough spends age out",
      [
        { at: NOW - 50 * S, units: 3000 },
        { at: NOW - 20 * S, units: 2721 },
      ],
      6000,
      100,
      { go: false, waitUntil: NOW - 50 * S + QUOTA_WINDOW_MS, usedInWindow: 5721 },
    ],
    [
      "spends exactly 60 s old no longer count",
      [{ at: NOW - QUOTA_WINDOW_MS, units: 5820 }],
      6000,
      97,
      { go: true, usedInWindow: 0 },
    ],
    [
      "unordered spends are handled",
      [
        { at: NOW - 5 * S, units: 2000 },
        { at: NOW - 55 * S, units: 3820 },
      ],
      6000,
      97,
      { go: false, waitUntil: NOW + 5 * S },
    ],
    [
      "a call larger than a second's budget (a send) goes alone into an empty second",
      [{ at: NOW - S, units: 50 }],
      6000,
      100,
      { go: true },
    ],
    [
      "a call larger than a second's budget waits for an empty second",
      [{ at: NOW - 100, units: 5 }],
      6000,
      100,
      { go: false, waitUntil: NOW + 900 },
    ],
    ["a free call always goes", [{ at: NOW, units: 9999 }], 6000, 0, { go: true }],
    [
      "two sends a second apart: the 2 s window (194) waits for the first to leave it",
      [{ at: NOW - S, units: 100 }],
      6000,
      100,
      { go: false, waitUntil: NOW + S },
    ],
  ])("%s", (_name, spent, limit, units, expected) => {
    expect(paceQuotaCall({ spent, limitPerMinute: limit, units, now: NOW })).toMatchObject(expected);
  });

  it("a custom safety ratio sets the budget", () => {
    expect(paceQuotaCall({ spent: [], limitPerMinute: 15_000, units: 5, now: NOW, safetyRatio: 0.9 }).budget).toBe(
      13_500,
    );
  });

  it.each([6000, 15_000])("at %i units/min a batch of messages.get fits the burst, at most 50", (limit) => {
    const batch = messagesPerBatch(limit);
    expect(batch * 5).toBeLessThanOrEqual(quotaLimits(limit).secondBudget);
    expect(batch).toBe(limit === 6000 ? 19 : 48);
  });

  it.each([6000, 15_000])(
    "a greedy caller at %i units/min reaches ≥ 95% of the quota, never over Google's per-second average nor any 60 s",
    (limit) => {
      const spends: QuotaSpend[] = [];
      let t = NOW;
      const end = NOW + 10 * QUOTA_WINDOW_MS;
      let i = 0;
      while (t < end) {
        // The sync's mix: batches of messages.get between history pages.
        const units =
          [5 * messagesPerBatch(limit), 2, 5 * messagesPerBatch(limit), 5 * messagesPerBatch(limit), 2][i % 5] ?? 5;
        const decision = paceQuotaCall({ spent: pruneQuotaSpends(spends, t), limitPerMinute: limit, units, now: t });
        if (decision.go) {
          spends.push({ at: t, units });
          i++;
          t += 20; // each call takes 20 ms to issue
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
