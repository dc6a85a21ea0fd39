import { describe, expect, it } from "vitest";
import { SKIP_REASONS } from "../../../src/sync/routing-reasons";
import { buildReportDays, explainDecision, reportSince } from "../../../src/sync/sync-report";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 4, 10, 30);
const TODAY = Math.floor(NOW / DAY);

describe("R30 sync report and explanation shapes", () => {
  it("R30: every UTC day listed newest first, zeros included, every skip reason named", () => {
    const days = buildReportDays(
      [
        { day: TODAY, decision: "stored", reason: "sender_contact", healed: false, count: 5 },
        { day: TODAY, decision: "stored", reason: "sender_contact", healed: true, count: 2 },
        { day: TODAY, decision: "skipped", reason: "internal", healed: false, count: 3 },
        { day: TODAY - 2, decision: "parked", reason: null, healed: false, count: 1 },
        { day: TODAY - 2, decision: "skipped", reason: "already_stored", healed: false, count: 4 },
        { day: TODAY - 9, decision: "stored", reason: "bound_thread", healed: false, count: 9 },
      ],
      3,
      NOW,
    );
    expect(days.map((d) => d.date)).toEqual(["2026-12-04", "2026-12-03", "2026-12-02"]);
    expect(days[0]).toMatchObject({ seen: 10, stored: 7, parked: 0, healed: 2 });
    expect(days[0]?.skipped.internal).toBe(3);
    expect(Object.keys(days[0]?.skipped ?? {}).sort()).toEqual([...SKIP_REASONS].sort());
    expect(days[1]).toMatchObject({ seen: 0, stored: 0, parked: 0, healed: 0 });
    expect(days[2]).toMatchObject({ seen: 5, stored: 0, parked: 1, healed: 0 });
    expect(days[2]?.skipped.already_stored).toBe(4);
  });

  it("R30: a report of n days counts from the start of the oldest UTC day", () => {
    expect(reportSince(1, NOW)).toBe(TODAY * DAY);
    expect(reportSince(7, NOW)).toBe((TODAY - 6) * DAY);
  });

  const stored = {
    decision: "stored" as const,
    reason: "sender_contact",
    rule: "R8",
    messageId: "msg_1",
    decidedAt: NOW,
  };
  const skippedRow = {
    decision: "skipped" as const,
    reason: "ignored_label",
    rule: "labels",
    messageId: null,
    decidedAt: NOW,
  };
  it.each<[string, Parameters<typeof explainDecision>[1], Parameters<typeof explainDecision>[2], string]>([
    ["R30: stored is final, even if queued again", stored, "pending", "stored"],
    ["R30: a skip being looked at again (moved into INBOX) is pending", skippedRow, "pending", "pending"],
    ["R30: a recorded skip stands", skippedRow, "seen", "skipped"],
    ["R30: queued and never decided: pending", null, "pending", "pending"],
    ["R24: parked in the mailbox, not yet recorded here: parked", null, "parked", "parked"],
    ["R23: decided for other locations only: unknown here", null, "seen", "unknown"],
    ["R30: never seen: unknown", null, "unknown", "unknown"],
  ])("%s", (_name, recorded, queue, decision) => {
    expect(explainDecision("18c0ffee", recorded, queue).decision).toBe(decision);
  });

  it("R30: an explanation has exactly API.md's fields", () => {
    const row = { ...stored, locationId: "loc_a", mailboxAddress: "owner@gmail.test", healed: true } as Parameters<
      typeof explainDecision
    >[1];
    expect(explainDecision("18c0ffee", row, "seen")).toEqual({ gmailMessageId: "18c0ffee", ...stored });
  });
});
