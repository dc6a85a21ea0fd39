import { describe, expect, it } from "vitest";
import { gmailSendBlockUntil, SEND_CAP_WINDOW_MS, type SendCapState, sendCapAt } from "../../../src/send/send-cap";

const NOW = 1_800_000_000_000;
const H = 3_600_000;

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
