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
import type { Env } from "../env";
import type { GmailClient } from "../gmail/client";
import type { ActiveConnection } from "./load-routing";

/** What the R26 steps need of the sync run's host (sync-run.ts's SyncHost has all of it). */
interface StateSyncDeps {
  env: Env;
  sql: SqlStorage;
  mailbox: string;
  client: GmailClient;
  connections(): ActiveConnection[];
}

/** State changes applied per step: a few D1 reads and one batch per location. */
const STATE_CHANGES_PER_STEP = 450;
/** What one R26 step may spend in each location: the lookup, the reads of a full step's copies, the write. */
export const STATE_STEP_SUBREQUESTS_PER_LOCATION =
  STATE_APPLY_LOOKUP + Math.ceil(STATE_CHANGES_PER_STEP / GMAIL_IDS_PER_QUERY) * D1_ROUND_TRIP + STATE_APPLY_WRITE;

/** The sync's R26 steps: what the walk learnt is applied to every stored copy before the cursor moves. */
export async function applyQueuedStates(host: StateSyncDeps): Promise<{ subrequests: number; changed: number }> {
  const queued = nextStateChanges(host.sql, STATE_CHANGES_PER_STEP);
  const changes = new Map(queued.map((q) => [q.messageId, q.change]));
  const locations = host.connections().map((c) => c.locationId);
  const applied = await applyStateChanges(host.env, host.mailbox, locations, changes);
  removeStateChanges(host.sql, queued);
  dropSyncedFromPending(host.sql, applied.stored);
  const changed = [...applied.changed.values()].reduce((n, ids) => n + ids.length, 0);
  if (changed > 0)
    log.info("sync_states_applied", { mailbox: host.mailbox, changes: queued.length, copiesChanged: changed });
  return { subrequests: applied.d1Calls, changed };
}

/**
 * After a history gap, the messages of this mailbox stored since `since` (in every location it syncs to)
 * have their state read again: the gap's label changes and deletions are lost with its history.
 */
export async function queueRefreshAfterGap(host: StateSyncDeps, since: number): Promise<void> {
  const ids = new Set<string>();
  for (const { locationId } of host.connections()) {
    for (const id of await gmailIdsSince(await locationDb(host.env, locationId), locationId, host.mailbox, since))
      ids.add(id);
  }
  queueStateRefresh(host.sql, [...ids]);
  log.info("sync_state_refresh_queued", { mailbox: host.mailbox, messages: ids.size });
}

/**
 * One batch of `messages.get` format=minimal (the cheapest answer that carries labels) for queued refreshes:
 * labels give the state, a 404 says the message is gone for good. Returns Gmail's rate limit, if any.
 */
export async function refreshStates(
  host: StateSyncDeps,
): Promise<{ subrequests: number; rateLimited: { retryAfter: string | null; retryAt: number | null } | null }> {
  const ids = nextStateRefresh(host.sql, MESSAGES_PER_BATCH);
  const fetched = await batchGetMessages(host.client, ids, "minimal");
  const revoked = fetched.find((item) => !item.ok && item.failure.kind === "auth_revoked");
  if (revoked && !revoked.ok) throw new GmailError(revoked.failure, revoked.retryAfter, "batch messages.get minimal");
  const changes = new Map<string, StateChange>();
  const done: string[] = [];
  let rateLimited: { retryAfter: string | null; retryAt: number | null } | null = null;
  for (const item of fetched) {
    if (item.ok) changes.set(item.id, stateOfLabels(item.message.labelIds ?? []));
    else if (item.failure.kind === "not_found") changes.set(item.id, { deleted: true });
    else if (item.failure.kind === "fatal")
      log.warn("sync_state_refresh_refused", { mailbox: host.mailbox, gmailMessageId: item.id });
    else {
      // Transient: left queued for the next step; the run backs off first.
      rateLimited ??= { retryAfter: item.retryAfter, retryAt: item.failure.retryAt };
      continue;
    }
    done.push(item.id);
  }
  recordStateChanges(host.sql, changes);
  removeStateRefresh(host.sql, done);
  return { subrequests: GMAIL_REQUEST, rateLimited };
}
