import { SKIP_REASONS, type SkipReason } from "./routing-reasons";

/*
 * PURE shapes of R30's sync report and explanation (API.md "Sync proof"), from counted decisions and the
 * mailbox's queue state. Nothing here carries a subject, an address or a body: only ids, reasons, rules.
 */

const DAY_MS = 86_400_000;

export interface CountedDecision {
  /** Days since the Unix epoch (UTC). */
  day: number;
  decision: "stored" | "skipped" | "parked";
  reason: string | null;
  healed: boolean;
  count: number;
}

export interface ReportDay {
  date: string;
  seen: number;
  stored: number;
  skipped: Record<SkipReason, number>;
  parked: number;
  healed: number;
}

/** The first moment counted by a report of `days` UTC days ending today. */
export function reportSince(days: number, now: number): number {
  return (Math.floor(now / DAY_MS) - (days - 1)) * DAY_MS;
}

/** `days` UTC days, newest first, every one listed (zeros included) and every skip reason named. */
export function buildReportDays(counts: readonly CountedDecision[], days: number, now: number): ReportDay[] {
  const today = Math.floor(now / DAY_MS);
  const out: ReportDay[] = [];
  for (let day = today; day > today - days; day -= 1) {
    const entry: ReportDay = {
      date: new Date(day * DAY_MS).toISOString().slice(0, 10),
      seen: 0,
      stored: 0,
      skipped: Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>,
      parked: 0,
      healed: 0,
    };
    for (const c of counts) {
      if (c.day !== day) continue;
      entry.seen += c.count;
      if (c.decision === "stored") entry.stored += c.count;
      if (c.decision === "parked") entry.parked += c.count;
      if (c.decision === "stored" && c.healed) entry.healed += c.count;
      if (c.decision === "skipped" && isSkipReason(c.reason)) entry.skipped[c.reason] += c.count;
    }
    out.push(entry);
  }
  return out;
}

function isSkipReason(reason: string | null): reason is SkipReason {
  return (SKIP_REASONS as readonly (string | null)[]).includes(reason);
}

export interface Explanation {
  gmailMessageId: string;
  decision: "stored" | "skipped" | "parked" | "pending" | "unknown";
  reason: string | null;
  rule: string | null;
  messageId: string | null;
  decidedAt: number | null;
}

/**
 * One Gmail id in one location: the recorded decision, unless the mailbox is looking at the message again
 * (queued: moved into INBOX later, or found missing); a stored decision is final. Without a decision here,
 * the queue tells pending or parked; a message the mailbox decided for other locations only, or never saw,
 * is unknown here (R23).
 */
export function explainDecision(
  gmailMessageId: string,
  recorded: {
    decision: "stored" | "skipped" | "parked";
    reason: string | null;
    rule: string | null;
    messageId: string | null;
    decidedAt: number;
  } | null,
  queueState: "pending" | "parked" | "seen" | "unknown" | null,
): Explanation {
  const none = { gmailMessageId, reason: null, rule: null, messageId: null, decidedAt: null };
  if (recorded?.decision === "stored" || (recorded !== null && queueState !== "pending")) {
    // Field by field: the row also names the location and the mailbox, which an explanation never carries.
    const { decision, reason, rule, messageId, decidedAt } = recorded;
    return { gmailMessageId, decision, reason, rule, messageId, decidedAt };
  }
  if (queueState === "pending") return { ...none, decision: "pending", rule: "R22" };
  if (queueState === "parked") return { ...none, decision: "parked", rule: "R24" };
  return { ...none, decision: "unknown" };
}
