import { describe, expect, it } from "vitest";
import type { GoogleFailureKind } from "../../../src/gmail/classify";
import { parseRetryAfter, retryDelayMs, type RetryDelayInput } from "../../../src/gmail/retry-delay";

const NOW = Date.parse("2026-11-26T18:00:00.000Z");
const fixed = (value: number) => () => value;
const base = (over: Partial<RetryDelayInput>): RetryDelayInput => ({
  kind: "retry",
  attempt: 0,
  now: NOW,
  random: fixed(0.5),
  ...over,
});

describe("retryDelayMs", () => {
  it.each<[string, Partial<RetryDelayInput>, number | null]>([
    ["full jitter: attempt 0, random 0.5 → half of 1 s", {}, 500],
    ["full jitter: attempt 3, random 0.5 → half of 8 s", { attempt: 3 }, 4_000],
    ["full jitter: random 0 may retry at once", { attempt: 3, random: fixed(0) }, 0],
    ["full jitter: random near 1 stays under the ceiling", { attempt: 2, random: fixed(0.9999999) }, 3_999],
    ["backoff is capped at 60 s (R22: back within 2 minutes)", { attempt: 20, random: fixed(0.999999) }, 59_999],
    ["huge attempt counts do not overflow", { attempt: 10_000, random: fixed(0.5) }, 30_000],
    ["rate_limited backs off the same way", { kind: "rate_limited", attempt: 1 }, 1_000],
    ["Retry-After seconds is a floor, plus up to 1 s spread", { kind: "rate_limited", retryAfterHeader: "30" }, 30_500],
    ["Retry-After HTTP-date", { kind: "rate_limited", retryAfterHeader: "Thu, 26 Nov 2026 18:02:00 GMT" }, 120_500],
    ["Retry-After in the past means now", { kind: "retry", retryAfterHeader: "Thu, 26 Nov 2026 17:00:00 GMT" }, 500],
    ["an unreadable Retry-After falls back to backoff", { kind: "retry", attempt: 1, retryAfterHeader: "soon" }, 1_000],
    ["Google's 'Retry after' text", { kind: "rate_limited", retryAt: NOW + 15 * 60_000 }, 15 * 60_000 + 500],
    [
      "the later of header and text wins",
      { kind: "rate_limited", retryAfterHeader: "10", retryAt: NOW + 20_000 },
      20_500,
    ],
    ["a hint is capped at one hour", { kind: "rate_limited", retryAfterHeader: "86400" }, 3_600_000 + 500],
    ["auth_expired: refresh and retry now", { kind: "auth_expired" }, 0],
    [
      "sending_limit: until the time Gmail named",
      { kind: "sending_limit", retryAt: NOW + 5 * 3_600_000 },
      5 * 3_600_000,
    ],
    ["sending_limit: one hour when Gmail named none (docs/api.md)", { kind: "sending_limit" }, 3_600_000],
    ["sending_limit: capped at 24 h", { kind: "sending_limit", retryAt: NOW + 72 * 3_600_000 }, 24 * 3_600_000],
  ])("%s", (_name, over, expected) => {
    expect(retryDelayMs(base(over))).toBe(expected);
  });

  it.each<GoogleFailureKind>(["auth_revoked", "history_expired", "not_found", "fatal"])("%s is not retried", (kind) => {
    expect(retryDelayMs(base({ kind }))).toBeNull();
  });

  it("jitter spreads delays over the whole window", () => {
    const delays = [0, 0.25, 0.5, 0.75].map((r) => retryDelayMs(base({ attempt: 2, random: fixed(r) })));
    expect(delays).toEqual([0, 1_000, 2_000, 3_000]);
  });
});

describe("parseRetryAfter", () => {
  it.each<[string | null, number | null]>([
    ["120", 120_000],
    [" 0 ", 0],
    ["Thu, 26 Nov 2026 18:00:10 GMT", 10_000],
    ["2026-11-26T18:00:10Z", null],
    ["-5", null],
    ["1.5", null],
    ["", null],
    [null, null],
  ])("%s → %s", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});
