import { describe, expect, it } from "vitest";
import {
  decideWatchRenewal,
  renewalHorizon,
  watchRenewalState,
  watchRetryDelayMs,
  WATCH_FAILURES_VISIBLE,
  WATCH_LIFETIME_MS,
} from "../../../src/sync/watch-renewal";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);

describe("R3: when a watch is renewed", () => {
  it.each([
    ["never watched", { watchExpiresAt: null, watchRenewedAt: null, watchNextAttemptAt: null }, "renew"],
    [
      "renewed an hour ago",
      { watchExpiresAt: NOW + 7 * DAY - HOUR, watchRenewedAt: NOW - HOUR, watchNextAttemptAt: null },
      "not_due",
    ],
    [
      "renewed 22 hours ago",
      { watchExpiresAt: NOW + 6 * DAY + 2 * HOUR, watchRenewedAt: NOW - 22 * HOUR, watchNextAttemptAt: null },
      "not_due",
    ],
    [
      "renewed 23 hours ago (at least daily)",
      { watchExpiresAt: NOW + 6 * DAY + HOUR, watchRenewedAt: NOW - 23 * HOUR, watchNextAttemptAt: null },
      "renew",
    ],
    [
      "a short watch close to expiry",
      { watchExpiresAt: NOW + DAY, watchRenewedAt: NOW - HOUR, watchNextAttemptAt: null },
      "renew",
    ],
    [
      "already expired",
      { watchExpiresAt: NOW - HOUR, watchRenewedAt: NOW - 8 * DAY, watchNextAttemptAt: null },
      "renew",
    ],
    [
      "backing off after a failure",
      { watchExpiresAt: NOW + 5 * DAY, watchRenewedAt: NOW - 2 * DAY, watchNextAttemptAt: NOW + 1 },
      "backing_off",
    ],
    [
      "backoff over",
      { watchExpiresAt: NOW + 5 * DAY, watchRenewedAt: NOW - 2 * DAY, watchNextAttemptAt: NOW },
      "renew",
    ],
  ] as const)("R3: %s → %s", (_name, watch, expected) => {
    expect(decideWatchRenewal(watch, NOW)).toBe(expected);
  });

  it.each([
    [1, 5 * 60 * 1000],
    [2, 10 * 60 * 1000],
    [3, 20 * 60 * 1000],
    [5, 60 * 60 * 1000],
    [50, 60 * 60 * 1000],
  ])("R3: retry %i waits %i ms (bounded: far below the 2-day margin)", (failures, ms) => {
    expect(watchRetryDelayMs(failures)).toBe(ms);
  });

  it("R3: the cron's D1 pre-filter catches a 7-day watch renewed 23 hours ago", () => {
    const expiresAt = NOW - 23 * HOUR + WATCH_LIFETIME_MS;
    expect(expiresAt).toBeLessThanOrEqual(renewalHorizon(NOW));
    expect(NOW - 22 * HOUR + WATCH_LIFETIME_MS).toBeGreaterThan(renewalHorizon(NOW));
  });

  it.each([
    [0, NOW + DAY, "ok"],
    [1, NOW + DAY, "retrying"],
    [WATCH_FAILURES_VISIBLE, NOW + DAY, "failing"],
    [0, NOW - 1, "expired"],
  ] as const)("R3: %i failures, expiry %i → %s", (failures, expiresAt, state) => {
    expect(
      watchRenewalState(
        { watchFailures: failures, watchExpiresAt: expiresAt, watchRenewedAt: NOW, watchNextAttemptAt: null },
        NOW,
      ),
    ).toBe(state);
  });
});
