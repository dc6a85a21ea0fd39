/*
 * The reasons routing gives for its decisions and the rule each comes from (R30: explain names both).
 * Kept apart from routing.ts so that the API schema, the decisions table and the report read one list.
 */

/** The rule of docs/rules.md a decision comes from, as explain answers it ("labels": "Which emails sync"). */
export type RuleId = "labels" | "R2" | "R7" | "R8" | "R10" | "R11" | "R14" | "R15" | "R21" | "R27" | "R28";

export type SyncReason =
  /** R11: the thread is bound in this location. */
  | "bound_thread"
  /** R8/R9: inbound from a contact. */
  | "sender_contact"
  /** R10: outbound, first qualifying recipient. */
  | "recipient_contact";

export const SYNC_REASON_RULES = {
  bound_thread: "R11",
  sender_contact: "R8",
  recipient_contact: "R10",
} as const satisfies Record<SyncReason, RuleId>;

/**
 * Why a message is not stored in a location: docs/api.md "Sync proof"'s fixed list, recorded as the decision,
 * answered by explain and counted by the sync report. A new reason (R27's never_log, bulk_mail; R28's
 * unlogged_thread) is one entry here and one in SKIP_REASON_RULES; the report, the API schema and the
 * decisions table all follow this list.
 */
export const SKIP_REASONS = [
  /** R8: an inbound sender who is no contact in the location (or no readable From at all). */
  "not_a_contact",
  /** R7: inbound from a user of the location; outbound whose recipients are all users (or none at all). */
  "internal",
  /** R8/R10: the only contact candidates are assigned to another user than the mailbox owner. */
  "assigned_elsewhere",
  /** R10: outbound with external recipients, none of them a contact in the location. */
  "no_contact_recipient",
  /** Not in INBOX or SENT, or in SPAM, TRASH, DRAFT or CHAT. */
  "ignored_label",
  /** R2: Gmail received it before the mailbox's start point (an old message moved into INBOX later). */
  "before_connect",
  /** Reading 1 (R11/R14): the thread is bound in another location only, so it does not fan out here. */
  "bound_elsewhere",
  /** R15/R21: the location already has this email (a CRM send's Sent copy, the same Message-ID). */
  "already_stored",
  /** R27: the sender (inbound) or every non-user recipient (outbound) matches a never-log entry. */
  "never_log",
  /** R27: inbound bulk mail while the location's skipBulkMail is on. */
  "bulk_mail",
  /** R28: the thread was un-logged from the location. */
  "unlogged_thread",
] as const;

export type SkipReason = (typeof SKIP_REASONS)[number];

export const SKIP_REASON_RULES = {
  not_a_contact: "R8",
  internal: "R7",
  assigned_elsewhere: "R8",
  no_contact_recipient: "R10",
  ignored_label: "labels",
  before_connect: "R2",
  bound_elsewhere: "R14",
  already_stored: "R15",
  never_log: "R27",
  bulk_mail: "R27",
  unlogged_thread: "R28",
} as const satisfies Record<SkipReason, RuleId>;

/** The rule that made a decision (explain's `rule`). */
export function ruleOf(
  decision: { action: "sync"; reason: SyncReason } | { action: "skip"; reason: SkipReason },
): RuleId {
  return decision.action === "sync" ? SYNC_REASON_RULES[decision.reason] : SKIP_REASON_RULES[decision.reason];
}
