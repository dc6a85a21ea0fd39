import { describe, expect, it } from "vitest";
import {
  QUOTA_WINDOW_MS,
  SEND_CAP_WINDOW_MS,
  gmailSendBlockUntil,
  messagesPerBatch,
  paceQuotaCall,
  pruneQuotaSpends,
  quotaLimits,
  sendCapAt,
  type PaceDecision,
  type QuotaSpend,
  type SendCapState,
} from "../../src/sync/quota";
import { spendQuota } from "../../emulator/gmail/quota";

const NOW = 1_800_000_000_000;
const S = 1_000;
const H = 3_600_000;

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

describe("sendCapAt (R16)", () => {
  const times = (n: number, start: number, step = 1_000) => Array.from({ length: n }, (_, i) => start + i * step);
  it.each<[string, Omit<Parameters<typeof sendCapAt>[0], "now">, SendCapState]>([
    [
      "R16: nothing sent",
      { sendTimes: [], limit: 500 },
      { allowed: true, limit: 500, used: 0, remaining: 500, nextAvailableAt: null },
    ],
    [
      "R16: one below the cap",
      { sendTimes: times(499, NOW - H), limit: 500 },
      { allowed: true, limit: 500, used: 499, remaining: 1, nextAvailableAt: null },
    ],
    [
      "R16: exactly at the cap is refused until the oldest send ages out",
      { sendTimes: times(500, NOW - 2 * H), limit: 500 },
      { allowed: false, limit: 500, used: 500, remaining: 0, nextAvailableAt: NOW - 2 * H + SEND_CAP_WINDOW_MS },
    ],
    [
      "R16: a send exactly 24 h old no longer counts",
      { sendTimes: [NOW - SEND_CAP_WINDOW_MS, ...times(499, NOW - H)], limit: 500 },
      { allowed: true, limit: 500, used: 499, remaining: 1, nextAvailableAt: null },
    ],
    [
      "R16: a send 1 ms younger than 24 h still counts",
      { sendTimes: [NOW - SEND_CAP_WINDOW_MS + 1, ...times(499, NOW - H)], limit: 500 },
      { allowed: false, limit: 500, used: 500, remaining: 0, nextAvailableAt: NOW + 1 },
    ],
    [
      "R16: over the cap (the limit was lowered) waits for enough sends to age out",
      { sendTimes: [NOW - 3 * H, NOW - 2 * H, NOW - H], limit: 2 },
      { allowed: false, limit: 2, used: 3, remaining: 0, nextAvailableAt: NOW - 2 * H + SEND_CAP_WINDOW_MS },
    ],
    [
      "R16: unordered times are handled",
      { sendTimes: [NOW - H, NOW - 3 * H], limit: 2 },
      { allowed: false, limit: 2, used: 2, remaining: 0, nextAvailableAt: NOW - 3 * H + SEND_CAP_WINDOW_MS },
    ],
    [
      "Gmail's block leaves nothing remaining until it ends",
      { sendTimes: [NOW - H], limit: 500, blockedUntil: NOW + 30 * 60_000 },
      { allowed: false, limit: 500, used: 1, remaining: 0, nextAvailableAt: NOW + 30 * 60_000 },
    ],
    [
      "a block ending at now is over",
      { sendTimes: [], limit: 500, blockedUntil: NOW },
      { allowed: true, limit: 500, used: 0, remaining: 500, nextAvailableAt: null },
    ],
    [
      "block and cap together: the later of the two",
      { sendTimes: times(2, NOW - 23.5 * H), limit: 2, blockedUntil: NOW + 2 * H },
      { allowed: false, limit: 2, used: 2, remaining: 0, nextAvailableAt: NOW + 2 * H },
    ],
    [
      "cap later than the block",
      { sendTimes: times(2, NOW - H), limit: 2, blockedUntil: NOW + 60_000 },
      { allowed: false, limit: 2, used: 2, remaining: 0, nextAvailableAt: NOW + 23 * H },
    ],
  ])("%s", (_name, input, expected) => {
    expect(sendCapAt({ ...input, now: NOW })).toEqual(expected);
  });
});

describe("gmailSendBlockUntil", () => {
  it.each<[string, number | null, number]>([
    ["the time Gmail named", NOW + 5 * H, NOW + 5 * H],
    ["one hour when Gmail named none (docs/api.md)", null, NOW + H],
    ["one hour when the named time is already past", NOW - 1, NOW + H],
  ])("%s", (_name, retryAt, expected) => {
    expect(gmailSendBlockUntil(retryAt, NOW)).toBe(expected);
  });
});
