import { locationDb } from "../db/database";
import { GMAIL_IDS_PER_QUERY, gmailIdsSince } from "../db/messages/state";
import { GmailError } from "../gmail/client";
import { batchGetMessages } from "../gmail/messages";
import { log } from "../log";
import { MESSAGES_PER_BATCH } from "../sync/plan";
import { stateOfLabels, type StateChange } from "../sync/state-fold";
import { D1_ROUND_TRIP, GMAIL_REQUEST, STATE_APPLY_LOOKUP, STATE_APPLY_WRITE } from "../util/subrequest-costs";
import { applyStateChanges } from "./state-apply";
import {
  dropSyncedFromPending,
  nextStateChanges,
  nextStateRefresh,
  queueStateRefresh,
  recordStateChanges,
  removeStateChanges,
  removeStateRefresh,
} from "./state-queue";
import type { MailboxContext } from "./context";

/** State changes applied per step: a few D1 reads and one batch per location. */
const STATE_CHANGES_PER_STEP = 450;
/** What one R26 step may spend in each location: the lookup, the reads of a full step's copies, the write. */
export const STATE_STEP_SUBREQUESTS_PER_LOCATION =
  STATE_APPLY_LOOKUP + Math.ceil(STATE_CHANGES_PER_STEP / GMAIL_IDS_PER_QUERY) * D1_ROUND_TRIP + STATE_APPLY_WRITE;

/** The sync's R26 steps: what the walk learnt is applied to every stored copy before the cursor moves. */
export async function applyQueuedStates(context: MailboxContext): Promise<{ subrequests: number; changed: number }> {
  const queued = nextStateChanges(context.sql, STATE_CHANGES_PER_STEP);
  const changes = new Map(queued.map((q) => [q.messageId, q.change]));
  const locations = context.connections().map((c) => c.locationId);
  const applied = await applyStateChanges(context.env, context.mailbox, locations, changes);
  context.transaction(() => {
    removeStateChanges(context.sql, queued);
    dropSyncedFromPending(context.sql, applied.stored);
  });
  const changed = [...applied.changed.values()].reduce((n, ids) => n + ids.length, 0);
  if (changed > 0)
    log.info("sync_states_applied", { mailbox: context.mailbox, changes: queued.length, copiesChanged: changed });
  return { subrequests: applied.d1Calls, changed };
}

/**
 * After a history gap, the messages of this mailbox stored since `since` (in every location it syncs to)
 * have their state read again: the gap's label changes and deletions are lost with its history.
 */
export async function queueRefreshAfterGap(context: MailboxContext, since: number): Promise<void> {
  const ids = new Set<string>();
  for (const { locationId } of context.connections()) {
    for (const id of await gmailIdsSince(await locationDb(context.env, locationId), locationId, context.mailbox, since))
      ids.add(id);
  }
  context.transaction(() => queueStateRefresh(context.sql, [...ids]));
  log.info("sync_state_refresh_queued", { mailbox: context.mailbox, messages: ids.size });
}

/**
 * One batch of `messages.get` format=minimal (the cheapest answer that carries labels) for queued refreshes:
 * labels give the state, a 404 says the message is gone for good. Returns Gmail's rate limit, if any.
 */
export async function refreshStates(
  context: MailboxContext,
): Promise<{ subrequests: number; rateLimited: { retryAfter: string | null; retryAt: number | null } | null }> {
  const ids = nextStateRefresh(context.sql, MESSAGES_PER_BATCH);
  const fetched = await batchGetMessages(context.gmail, ids, "minimal");
  const revoked = fetched.find((item) => !item.ok && item.error.failure.kind === "auth_revoked");
  if (revoked && !revoked.ok) {
    throw new GmailError(revoked.error.failure, revoked.error.retryAfter, "batch messages.get minimal");
  }
  const changes = new Map<string, StateChange>();
  const done: string[] = [];
  let rateLimited: { retryAfter: string | null; retryAt: number | null } | null = null;
  for (const item of fetched) {
    if (item.ok) changes.set(item.id, stateOfLabels(item.value.labelIds ?? []));
    else if (item.error.failure.kind === "not_found") changes.set(item.id, { deleted: true });
    else if (item.error.failure.kind === "fatal")
      log.warn("sync_state_refresh_refused", { mailbox: context.mailbox, gmailMessageId: item.id });
    else {
      // Transient: left queued for the next step; the run backs off first.
      rateLimited ??= { retryAfter: item.error.retryAfter, retryAt: item.error.failure.retryAt };
      continue;
    }
    done.push(item.id);
  }
  context.transaction(() => {
    recordStateChanges(context.sql, changes);
    removeStateRefresh(context.sql, done);
  });
  return { subrequests: GMAIL_REQUEST, rateLimited };
}
