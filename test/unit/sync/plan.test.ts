import { describe, expect, it } from "vitest";
import {
  catchUpSince,
  CATCH_UP_MARGIN_MS,
  decideNextStep,
  fitsInRun,
  MESSAGE_RETRY_DELAYS_MS,
  nextMessageAttemptAt,
  SUBREQUESTS_PER_RUN,
  WALL_MS_PER_RUN,
  type SyncProgress,
  type SyncStep,
} from "../../../src/sync/plan";

const base: SyncProgress = {
  cursor: "100",
  scan: null,
  scanTarget: null,
  pendingCount: 0,
  pendingDue: 0,
  nextPendingAt: null,
  wanted: false,
};
const T = 1_800_000_000_000;

describe("decideNextStep", () => {
  it.each<[string, Partial<SyncProgress>, SyncStep]>([
    ["not connected yet", { cursor: null, wanted: true }, { kind: "idle" }],
    ["nothing asked", {}, { kind: "idle" }],
    ["a push asked", { wanted: true }, { kind: "read_history", from: "100", pageToken: null }],
    [
      "mid history read",
      { scan: { kind: "history", pageToken: "p2" }, pendingCount: 3, pendingDue: 3 },
      { kind: "read_history", from: "100", pageToken: "p2" },
    ],
    ["mid catch-up listing", { scan: { kind: "list", pageToken: "q" } }, { kind: "list_messages", pageToken: "q" }],
    [
      "R22: pending before cursor",
      { pendingCount: 2, pendingDue: 2, scanTarget: "200", wanted: true },
      { kind: "fetch_pending" },
    ],
    [
      "R22: cursor moves once nothing is pending",
      { scanTarget: "200", wanted: true },
      { kind: "advance_cursor", to: "200" },
    ],
    [
      "R24: due messages go first, a waiting one does not hold them",
      { pendingCount: 3, pendingDue: 2, nextPendingAt: T, scanTarget: "200" },
      { kind: "fetch_pending" },
    ],
    [
      "R24: only waiting messages left: wait for the first, cursor stays",
      { pendingCount: 1, nextPendingAt: T, scanTarget: "200" },
      { kind: "wait", until: T },
    ],
    [
      "R24: news while a message waits is read from the last scan's end",
      { pendingCount: 1, nextPendingAt: T, scanTarget: "200", wanted: true },
      { kind: "read_history", from: "200", pageToken: null },
    ],
    [
      "R26: states learnt are applied before new messages are stored",
      { stateChanges: 4, pendingCount: 2, pendingDue: 2, scanTarget: "200" },
      { kind: "apply_states" },
    ],
    [
      "R26: states are applied before the cursor moves",
      { stateChanges: 1, scanTarget: "200" },
      { kind: "apply_states" },
    ],
    [
      "R26: not while history is still being read",
      { stateChanges: 1, scan: { kind: "history", pageToken: "p2" } },
      { kind: "read_history", from: "100", pageToken: "p2" },
    ],
    [
      "R26: after a gap, states are read again before they are applied",
      { stateRefresh: 3, stateChanges: 1, scanTarget: "200" },
      { kind: "refresh_states" },
    ],
    [
      "R24: that read's next pages continue from the same point",
      { pendingCount: 1, nextPendingAt: T, scanTarget: "200", scan: { kind: "history", pageToken: "p2" } },
      { kind: "read_history", from: "200", pageToken: "p2" },
    ],
  ])("%s", (_label, progress, expected) => {
    expect(decideNextStep({ ...base, ...progress })).toEqual(expected);
  });
});

describe("nextMessageAttemptAt", () => {
  it.each<[string, number, number | null]>([
    ["R24: after the 1st failure, a minute later", 1, T + (MESSAGE_RETRY_DELAYS_MS[0] ?? 0)],
    ["R24: after the 2nd failure, five minutes later", 2, T + (MESSAGE_RETRY_DELAYS_MS[1] ?? 0)],
    ["R24: the 3rd failure parks it", 3, null],
    ["R24: beyond, still parked", 4, null],
  ])("%s", (_label, attempts, expected) => {
    expect(nextMessageAttemptAt(attempts, T)).toBe(expected);
  });
});

describe("catchUpSince", () => {
  const connectedAt = 1_000_000_000;
  it.each([
    ["never synced: from connect", null, connectedAt],
    ["R2: never before connect", connectedAt + 10, connectedAt],
    ["last synced moment less the margin", connectedAt + 5 * CATCH_UP_MARGIN_MS, connectedAt + 4 * CATCH_UP_MARGIN_MS],
  ])("%s", (_label, lastSyncedAt, expected) => {
    expect(catchUpSince({ lastSyncedAt, connectedAt })).toBe(expected);
  });
});

describe("fitsInRun", () => {
  it.each([
    ["fresh run", { subrequests: 0, messages: 0, startedAt: 0 }, 0, true],
    ["subrequests exhausted", { subrequests: SUBREQUESTS_PER_RUN - 1, messages: 0, startedAt: 0 }, 0, false],
    ["wall time over", { subrequests: 0, messages: 0, startedAt: 0 }, WALL_MS_PER_RUN, false],
  ])("%s", (_label, usage, now, expected) => {
    expect(fitsInRun(usage, now, { subrequests: 2, messages: 50 })).toBe(expected);
  });
});
