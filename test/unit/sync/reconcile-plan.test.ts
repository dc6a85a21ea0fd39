import { describe, expect, it } from "vitest";
import {
  decideReconcileStep,
  firstReconcileAt,
  nextReconcileAt,
  RECONCILE_EVERY_MS,
  RECONCILE_MAX_LOOKBACK_MS,
  RECONCILE_OVERLAP_MS,
  reconcileQuery,
  reconcileQuotaWait,
  reconcileRetryDelayMs,
  reconcileSince,
  type ReconcileProgress,
} from "../../../src/sync/reconcile-plan";

const T = Date.UTC(2026, 11, 4, 12, 0, 0);
const HOUR = 3_600_000;

describe("R30 reconciliation planning", () => {
  it("R30: the first reconciliation comes within a day of connecting, an hour at least, spread by address", () => {
    const slots = Array.from({ length: 200 }, (_, i) => firstReconcileAt(`owner${i}@gmail.test`, T) - T);
    for (const slot of slots) {
      expect(slot).toBeGreaterThanOrEqual(HOUR);
      expect(slot).toBeLessThan(RECONCILE_EVERY_MS);
    }
    expect(new Set(slots.map((s) => Math.floor(s / HOUR))).size).toBeGreaterThan(15);
    expect(firstReconcileAt("same@gmail.test", T)).toBe(firstReconcileAt("same@gmail.test", T));
  });

  it.each<[string, number, number, number]>([
    ["R30: on time, the next is a day later", T, T + 60_000, T + RECONCILE_EVERY_MS],
    ["R30: asked early (reconcile now), the daily slot stays", T, T - HOUR, T],
    [
      "R30: three days late (paused), the next slot after now keeps the time of day",
      T,
      T + 3 * RECONCILE_EVERY_MS + HOUR,
      T + 4 * RECONCILE_EVERY_MS,
    ],
  ])("%s", (_name, due, finished, expected) => {
    expect(nextReconcileAt(due, finished)).toBe(expected);
  });

  it.each<[string, number | null, number, number, number]>([
    ["R2: the first listing starts at the start point", null, T - HOUR, T, T - HOUR],
    [
      "R30: later ones since the last, with an overlap",
      T - 2 * HOUR,
      T - 10 * HOUR,
      T,
      T - 2 * HOUR - RECONCILE_OVERLAP_MS,
    ],
    ["R2: never before the start point, overlap or not", T - HOUR, T - HOUR - 60_000, T, T - HOUR - 60_000],
    [
      "R30: never further back than the decisions are kept",
      T - 90 * RECONCILE_EVERY_MS,
      T - 100 * RECONCILE_EVERY_MS,
      T,
      T - RECONCILE_MAX_LOOKBACK_MS,
    ],
  ])("%s", (_name, last, connectedAt, now, expected) => {
    expect(reconcileSince({ lastReconciledAt: last, connectedAt, now })).toBe(expected);
  });

  it("R30: the listing asks Gmail for one folder since a moment, in seconds", () => {
    expect(reconcileQuery("INBOX", 1_700_000_000_999)).toBe("in:inbox after:1700000000");
    expect(reconcileQuery("SENT", 1_700_000_000_000)).toBe("in:sent after:1700000000");
  });

  it("R30: a listing page goes only while the last minute left half the budget unused (new mail first)", () => {
    const limit = 15_000;
    expect(reconcileQuotaWait({ spent: [], limitPerMinute: limit, units: 5, now: T })).toBeNull();
    expect(
      reconcileQuotaWait({ spent: [{ at: T - 10_000, units: 7_000 }], limitPerMinute: limit, units: 5, now: T }),
    ).toBeNull();
    // 7,496 units spent ten seconds ago: 5 more would pass half of the minute's quota (7,500), so it waits it out.
    expect(
      reconcileQuotaWait({ spent: [{ at: T - 10_000, units: 7_496 }], limitPerMinute: limit, units: 5, now: T }),
    ).toBe(T - 10_000 + 60_000);
    expect(
      reconcileQuotaWait({ spent: [{ at: T - 10_000, units: 7_495 }], limitPerMinute: limit, units: 5, now: T }),
    ).toBeNull();
    // Half of each second's share too: 125 units in the last second leave no room for background work.
    expect(
      reconcileQuotaWait({ spent: [{ at: T - 500, units: 125 }], limitPerMinute: limit, units: 5, now: T }),
    ).not.toBeNull();
  });

  it.each<[number, number | null, number]>([
    [1, null, 60_000],
    [2, null, 120_000],
    [6, null, 30 * 60_000],
    [20, null, 30 * 60_000],
    [1, 5 * 60_000, 5 * 60_000],
  ])("R30: after failure %i (hint %s ms) the listing waits %i ms", (failures, hint, expected) => {
    expect(reconcileRetryDelayMs(failures, hint)).toBe(expected);
  });

  const progress = (over: Partial<ReconcileProgress>): ReconcileProgress => ({
    dueAt: T + HOUR,
    requestedAt: null,
    running: null,
    retryAt: null,
    ...over,
  });
  it.each<[string, ReconcileProgress, string]>([
    ["R30: not due, not asked: nothing", progress({}), "none"],
    ["R30: due: start", progress({ dueAt: T }), "start"],
    ["R30: asked for: start at once", progress({ requestedAt: T - 1 }), "start"],
    ["R30: listing", progress({ running: { phase: "list" } }), "list"],
    ["R30: listing backs off", progress({ running: { phase: "list" }, retryAt: T + 60_000 }), "wait"],
    ["R30: settle once listed", progress({ running: { phase: "settle" } }), "settle"],
    ["R30: heal once history caught up", progress({ running: { phase: "heal" } }), "heal"],
  ])("%s", (_name, p, kind) => {
    expect(decideReconcileStep(p, T).kind).toBe(kind);
  });
});
