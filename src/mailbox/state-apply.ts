import { locationDb } from "../db/database";
import {
  GMAIL_IDS_PER_QUERY,
  gmailStateStatements,
  readGmailStates,
  type GmailStateUpdate,
} from "../db/messages/state";
import { runBatch } from "../db/run-batch";
import type { Env } from "../env";
import { recordMessageEvents } from "../events/outbox";
import { relayEvents } from "../events/relay";
import { applyStateChange, type StateChange } from "../sync/state-fold";
import { D1_ROUND_TRIP, STATE_APPLY_LOOKUP, STATE_APPLY_WRITE } from "../util/subrequest-costs";

export interface StateApplyResult {
  /** Stored copies whose state changed, by location (copies already in that state are not written). */
  changed: Map<string, string[]>;
  /** Gmail ids with a stored copy in at least one location (already synced). */
  stored: Set<string>;
  /** D1 round trips spent (for the run's subrequest budget and the bench). */
  d1Calls: number;
}

/**
 * R26: sets the Gmail state of every stored copy of these Gmail messages of `mailbox`, in each location the
 * mailbox syncs to. Reads the copies, writes only those whose state differs (one D1 batch per location),
 * so applying the same changes twice writes nothing the second time, and records `message.updated` (R29)
 * only for copies that changed: an echo of our own change, or a state already there, records none. Gmail ids never synced have no copy
 * and are passed over: a state change never creates a message.
 */
export async function applyStateChanges(
  env: Env,
  mailbox: string,
  locationIds: readonly string[],
  changes: ReadonlyMap<string, StateChange>,
  now: number = Date.now(),
): Promise<StateApplyResult> {
  const result: StateApplyResult = { changed: new Map(), stored: new Set(), d1Calls: 0 };
  if (changes.size === 0) return result;
  const ids = [...changes.keys()];
  for (const locationId of locationIds) {
    const db = await locationDb(env, locationId);
    const copies = await readGmailStates(db, locationId, mailbox, ids);
    result.d1Calls += STATE_APPLY_LOOKUP + Math.ceil(ids.length / GMAIL_IDS_PER_QUERY) * D1_ROUND_TRIP;
    const updates: GmailStateUpdate[] = [];
    for (const copy of copies) {
      result.stored.add(copy.gmailMessageId);
      const next = applyStateChange(copy, changes.get(copy.gmailMessageId) ?? {});
      if (next.unread !== copy.unread || next.gmailState !== copy.gmailState) updates.push({ id: copy.id, ...next });
    }
    if (updates.length === 0) continue;
    // R29: message.updated for exactly the copies that changed, in the batch that changes them.
    const events = recordMessageEvents(
      "message.updated",
      locationId,
      updates.map((u) => u.id),
      now,
    );
    await runBatch(db, [...gmailStateStatements(locationId, updates), ...events.statements]);
    await relayEvents(env, db, locationId, events.eventIds, now);
    result.d1Calls += STATE_APPLY_WRITE;
    result.changed.set(
      locationId,
      updates.map((u) => u.id),
    );
  }
  return result;
}
