import { and, eq, gte, sql, type SQL } from "drizzle-orm";
import type { RuleId, SkipReason, SyncReason } from "../sync/routing-reasons";
import type { Database } from "./database";
import { syncDecisions } from "./schema";

/*
 * R30's record of what the sync decided, per location of a mailbox. Decisions for a chunk of messages go
 * into the same D1 batch as the rows they produce (messages/store.ts `alsoInBatch`), so a decision never
 * exists without its rows, nor rows without their decision.
 */

/** One message's decision in one location, as routing made it (the store may still find it a duplicate). */
export type DecisionInput =
  | {
      gmailMessageId: string;
      healed: boolean;
      kind: "store";
      reason: SyncReason;
      rule: RuleId;
      messageIdHeader: string | null;
      /** R28: the store holds back a message of a thread un-logged meanwhile; the decision says so. */
      gmailThreadId: string;
    }
  | { gmailMessageId: string; healed: boolean; kind: "skip"; reason: SkipReason; rule: RuleId };

/**
 * One statement recording a chunk's decisions in one location; it must run after the chunk's message
 * inserts in the same batch. A message routing wanted stored is `stored` when this mailbox's Gmail copy is
 * the row (just created, or by an earlier run of the same chunk: R22); otherwise the location already had
 * the email: `already_stored` by R15 (a CRM send holding the Gmail id) or R21 (the same Message-ID).
 * A stored decision is final; any other is replaced when the message is looked at again (moved to INBOX
 * later, a parked message retried). `healed` counts only a row this very batch created (created_at = now):
 * a message a reconciliation queued that the location already had is no heal. A message routing wanted
 * stored that has no row at all was held back by the store (R28): its thread was un-logged after routing
 * (`unlogged_thread`), or its contact erased (`not_a_contact`: the contact is no more).
 */
export function recordDecisions(
  locationId: string,
  mailbox: string,
  decisions: readonly DecisionInput[],
  now: number,
): SQL {
  const rows = decisions.map((d) => ({
    g: d.gmailMessageId,
    k: d.kind,
    r: d.reason,
    u: d.rule,
    h: d.kind === "store" ? d.messageIdHeader : null,
    t: d.kind === "store" ? d.gmailThreadId : null,
    x: d.healed ? 1 : 0,
  }));
  const held = sql`d.k = 'store' AND own.id IS NULL AND crm.id IS NULL AND dup.id IS NULL`;
  const unlogged = sql`EXISTS (SELECT 1 FROM unlogged_threads u WHERE u.location_id = ${locationId}
    AND u.mailbox_address = ${mailbox} AND u.gmail_thread_id = d.t)`;
  return sql`INSERT INTO sync_decisions (location_id, mailbox_address, gmail_message_id, decision, reason, rule, message_id,
      decided_at, healed)
    SELECT ${locationId}, ${mailbox}, d.g,
      CASE WHEN d.k = 'skip' OR own.id IS NULL THEN 'skipped' ELSE 'stored' END,
      CASE WHEN d.k = 'skip' OR own.id IS NOT NULL THEN d.r
        WHEN ${held} THEN CASE WHEN ${unlogged} THEN 'unlogged_thread' ELSE 'not_a_contact' END
        ELSE 'already_stored' END,
      CASE WHEN d.k = 'skip' OR own.id IS NOT NULL THEN d.u
        WHEN ${held} THEN CASE WHEN ${unlogged} THEN 'R28' ELSE 'R8' END
        WHEN crm.id IS NOT NULL THEN 'R15' ELSE 'R21' END,
      CASE WHEN d.k = 'skip' THEN NULL ELSE coalesce(own.id, crm.id, dup.id) END,
      ${now}, CASE WHEN d.k = 'store' AND own.created_at = ${now} THEN d.x ELSE 0 END
    FROM (SELECT value ->> '$.g' AS g, value ->> '$.k' AS k, value ->> '$.r' AS r, value ->> '$.u' AS u,
            value ->> '$.h' AS h, value ->> '$.t' AS t, value ->> '$.x' AS x FROM json_each(${JSON.stringify(rows)})) d
    LEFT JOIN messages own ON d.k = 'store' AND own.location_id = ${locationId} AND own.gmail_mailbox = ${mailbox}
      AND own.gmail_message_id = d.g AND own.source = 'gmail'
    LEFT JOIN messages crm ON d.k = 'store' AND own.id IS NULL AND crm.location_id = ${locationId}
      AND crm.gmail_mailbox = ${mailbox} AND crm.gmail_message_id = d.g
    LEFT JOIN messages dup ON d.k = 'store' AND own.id IS NULL AND crm.id IS NULL AND d.h IS NOT NULL
      AND dup.location_id = ${locationId} AND dup.message_id_header = d.h
    WHERE true
    ON CONFLICT (location_id, mailbox_address, gmail_message_id) DO UPDATE SET decision = excluded.decision,
      reason = excluded.reason, rule = excluded.rule, message_id = excluded.message_id,
      decided_at = excluded.decided_at, healed = excluded.healed
    WHERE sync_decisions.decision <> 'stored'`;
}

/** R24: messages parked by the mailbox, recorded where no decision was made yet (a stored one stays). */
/** R24/R30: the `parked` decision of each message in this location (a stored one keeps its decision). */
export function parkedDecisionsInsert(locationId: string, mailbox: string, ids: readonly string[], now: number): SQL {
  return sql`INSERT INTO sync_decisions (location_id, mailbox_address, gmail_message_id, decision, reason, rule,
      message_id, decided_at, healed)
    SELECT ${locationId}, ${mailbox}, value, 'parked', NULL, 'R24', NULL, ${now}, 0 FROM json_each(${JSON.stringify(ids)})
    WHERE true
    ON CONFLICT (location_id, mailbox_address, gmail_message_id) DO UPDATE SET decision = 'parked', reason = NULL,
      rule = 'R24', message_id = NULL, decided_at = excluded.decided_at, healed = 0
    WHERE sync_decisions.decision <> 'stored'`;
}

export type DecisionRow = typeof syncDecisions.$inferSelect;

export async function findDecision(
  db: Database,
  locationId: string,
  mailbox: string,
  gmailMessageId: string,
): Promise<DecisionRow | undefined> {
  return db
    .select()
    .from(syncDecisions)
    .where(
      and(
        eq(syncDecisions.locationId, locationId),
        eq(syncDecisions.mailboxAddress, mailbox),
        eq(syncDecisions.gmailMessageId, gmailMessageId),
      ),
    )
    .get();
}

export interface DecisionCount {
  /** Days since the Unix epoch (UTC). */
  day: number;
  decision: DecisionRow["decision"];
  reason: string | null;
  healed: boolean;
  count: number;
}

const DAY_MS = 86_400_000;

/** Decisions of one mailbox in one location since `since`, counted per UTC day, decision, reason and healed. */
export async function countDecisionsByDay(
  db: Database,
  locationId: string,
  mailbox: string,
  since: number,
): Promise<DecisionCount[]> {
  // A literal divisor: D1 binds JS numbers as REAL, which would make the day a fraction.
  const day = sql<number>`${syncDecisions.decidedAt} / ${sql.raw(String(DAY_MS))}`;
  const rows = await db
    .select({
      day,
      decision: syncDecisions.decision,
      reason: syncDecisions.reason,
      healed: syncDecisions.healed,
      count: sql<number>`count(*)`,
    })
    .from(syncDecisions)
    .where(
      and(
        eq(syncDecisions.locationId, locationId),
        eq(syncDecisions.mailboxAddress, mailbox),
        gte(syncDecisions.decidedAt, since),
      ),
    )
    .groupBy(day, syncDecisions.decision, syncDecisions.reason, syncDecisions.healed);
  return rows.map((r) => ({ ...r, day: Number(r.day), count: Number(r.count) }));
}

/** Decisions kept at least this long (R30's report reads at most 30 days back). */
export const DECISION_RETENTION_MS = 31 * DAY_MS;

/** Deletes one location's decisions older than the retention, at most `limit` of them; returns how many. */
export async function purgeDecisions(db: Database, locationId: string, now: number, limit: number): Promise<number> {
  const cutoff = now - DECISION_RETENTION_MS;
  const result = await db.run(sql`DELETE FROM sync_decisions WHERE location_id = ${locationId}
    AND (mailbox_address, gmail_message_id) IN (SELECT mailbox_address, gmail_message_id FROM sync_decisions
      WHERE location_id = ${locationId} AND decided_at < ${cutoff} LIMIT ${limit})`);
  return result.meta.changes ?? 0;
}
