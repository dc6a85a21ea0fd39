import { recordParkedWithEvents } from "../events/mailbox-problems";
import { GmailError } from "../gmail/client";
import { batchGetMessages } from "../gmail/messages";
import { log } from "../log";
import { toGmailMessage, type GmailMessage } from "../sync/gmail-message";
import type { MailboxContext } from "./context";
import { loadRoutingData, type ActiveConnection } from "./load-routing";
import { isSyncableLabels } from "../sync/labels";
import { messagesForNextBatch } from "../sync/quota";
import { routeChunk } from "../sync/route-chunk";
import { GMAIL_REQUEST, PARKED_RECORD_PER_LOCATION, ROUTING_READS_PER_LOCATION } from "../util/subrequest-costs";
import { nextChunk, openAttempts, returnAttempts } from "./sync-attempts";
import { forgetQueued, healingAmong, markDecided, markParkedRecorded, parkedNotRecorded } from "./sync-seen";
import { recordFailure } from "./sync-state";
import { storeRouted } from "./sync-store";

export interface ChunkResult {
  fetched: number;
  stored: number;
  /** Gmail subrequests and D1 round trips this chunk used (for the run's budget). */
  subrequests: number;
  /** Set when Gmail rate limited some items or failed them all: the run backs off before the next chunk. */
  rateLimited: { retryAfter: string | null; retryAt: number | null } | null;
}

/**
 * One chunk of the queue: fetch the oldest pending messages in one batch request, route them (R7–R12),
 * store them in one D1 batch per location, and only then take them off the queue. A message that fails
 * (Gmail error, unreadable, refused by D1) counts an attempt, waits out a backoff while the queue goes on,
 * and is parked at the third (R24); a failure of one message never holds back the others.
 */
export async function syncNextChunk(
  context: MailboxContext,
  chunk: {
    /** The locations connected when the chunk starts: its messages are routed to these. */
    connections: readonly ActiveConnection[];
    /** R2: the mailbox's start point (Unix ms). */
    startPoint: number;
  },
  now: number,
): Promise<ChunkResult> {
  const { sql, mailbox, env } = context;
  const { connections } = chunk;
  // A batch fits one second of the quota (reading 9): 20 messages at 6,000 units/min, 50 at 15,000, fewer
  // when a smaller call took part of the second.
  const size = messagesForNextBatch({
    spent: context.quota.live(now),
    limitPerMinute: context.quota.limitPerMinute,
    now,
  });
  const pending = nextChunk(sql, now, size);
  // Reading 11: counted before the work, closed after.
  context.transaction(() =>
    openAttempts(
      sql,
      pending.map((p) => p.messageId),
    ),
  );
  const fetched = await batchGetMessages(
    context.gmail,
    pending.map((p) => p.messageId),
  );
  // The grant is refused for the whole mailbox (R6), not for a message: nothing counts an attempt.
  const revoked = fetched.find((item) => !item.ok && item.failure.kind === "auth_revoked");
  if (revoked && !revoked.ok) throw new GmailError(revoked.failure, revoked.retryAfter, "batch messages.get");
  const { parsed, rateLimited } = context.transaction(() => takeAnswers(sql, fetched, now));
  await context.sendsIdle();
  const routing = await loadRoutingData(env, mailbox, connections, parsed, chunk.startPoint);
  const routed = routeChunk(parsed, routing, mailbox);
  const healing = healingAmong(
    sql,
    parsed.map((m) => m.gmailMessageId),
  );
  const { failed, subrequests } = await storeRouted(env, mailbox, routed, healing, now);
  context.transaction(() => settleStored(sql, parsed, failed, now));
  const parkedSubrequests = await recordParkedDecisions(context, connections, now);
  const stored = routed.filter((r) => r.targets.length > 0 && !failed.has(r.message.gmailMessageId)).length;
  return {
    fetched: parsed.length,
    stored,
    subrequests: GMAIL_REQUEST + connections.length * ROUTING_READS_PER_LOCATION + subrequests + parkedSubrequests,
    rateLimited,
  };
}

/**
 * Gmail's answers for one chunk, taken in one transaction: a parsed message goes on to routing; an unreadable or
 * refused one counts a failure (R24), a deleted one leaves the queue, a rate-limited one gets its attempt back.
 */
function takeAnswers(
  sql: SqlStorage,
  fetched: Awaited<ReturnType<typeof batchGetMessages>>,
  now: number,
): { parsed: GmailMessage[]; rateLimited: ChunkResult["rateLimited"] } {
  const parsed: GmailMessage[] = [];
  let rateLimited: ChunkResult["rateLimited"] = null;
  // When no item came back, the outage is Gmail's, not the messages': no attempt counts, the run backs off.
  const gmailDown = fetched.every(
    (item) => !item.ok && (item.failure.kind === "retry" || item.failure.kind === "rate_limited"),
  );
  for (const item of fetched) {
    if (item.ok) {
      const message = toGmailMessage(item.message);
      if ("error" in message) fail(sql, item.id, message.error, now);
      else parsed.push(message);
    } else if (item.failure.kind === "not_found") {
      forgetQueued(sql, item.id); // Deleted since history reported it: nothing left to sync.
    } else if (item.failure.kind === "rate_limited" || (gmailDown && item.failure.kind === "retry")) {
      rateLimited ??= { retryAfter: item.retryAfter, retryAt: item.failure.retryAt };
      returnAttempts(sql, [item.id]);
    } else {
      fail(
        sql,
        item.id,
        `gmail ${item.failure.status ?? "no answer"} ${item.failure.reason ?? item.failure.kind}`,
        now,
      );
    }
  }
  return { parsed, rateLimited };
}

/** With the rows and decisions committed, the queue lets go of them and R30's reconciliation knows them. */
function settleStored(
  sql: SqlStorage,
  parsed: readonly GmailMessage[],
  failed: Map<string, string>,
  now: number,
): void {
  const decided: { id: string; labelSkipped: boolean }[] = [];
  for (const message of parsed) {
    const error = failed.get(message.gmailMessageId);
    if (error === undefined)
      decided.push({ id: message.gmailMessageId, labelSkipped: !isSyncableLabels(message.labelIds) });
    else fail(sql, message.gmailMessageId, error, now);
  }
  markDecided(sql, decided, now);
}

function fail(sql: SqlStorage, id: string, error: string, now: number): void {
  if (recordFailure(sql, id, error, now)) log.warn("sync_message_parked", { gmailMessageId: id, error });
}

/**
 * R24/R30: messages parked since the last record get a `parked` decision in every location, with R29's
 * mailbox.sync_degraded in the same batch. Outside the rows' batch (a parked message has no rows); a failure
 * is retried with the next chunk, the DO's parked list staying the truth meanwhile (explain reads it too).
 */
async function recordParkedDecisions(
  context: MailboxContext,
  connections: readonly ActiveConnection[],
  now: number,
): Promise<number> {
  const ids = parkedNotRecorded(context.sql);
  if (ids.length === 0) return 0;
  try {
    for (const connection of connections) {
      await recordParkedWithEvents(context.env, connection, context.mailbox, ids, now);
    }
    context.transaction(() => markParkedRecorded(context.sql, ids));
  } catch (error) {
    log.warn("sync_parked_decision_failed", { mailbox: context.mailbox, count: ids.length, error });
  }
  return connections.length * PARKED_RECORD_PER_LOCATION;
}
