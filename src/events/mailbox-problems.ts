import { locationDb } from "../db/database";
import { runBatch } from "../db/run-batch";
import type { Env } from "../env";
import { log } from "../log";
import { recordEvent } from "./outbox";
import { relayEvents } from "./relay";
import type { EventRecords } from "./types";

/**
 * mailbox.sync_degraded (R29) to every location the mailbox syncs into. The trouble itself (a parked
 * message, a failing watch renewal) is recorded in the mailbox's Durable Object, not in D1, so the event
 * cannot share its transaction: it is written right after, and a failure here is logged, never thrown
 * into the sync it reports on.
 */
export async function reportSyncDegraded(
  env: Env,
  mailbox: string,
  connections: readonly { locationId: string; userId: string }[],
  problem: Pick<EventRecords["mailbox.sync_degraded"], "problem" | "details">,
  now: number,
): Promise<void> {
  for (const { locationId, userId } of connections) {
    try {
      const db = await locationDb(env, locationId);
      const event = recordEvent(
        { type: "mailbox.sync_degraded", locationId, data: { userId, emailAddress: mailbox, ...problem } },
        now,
      );
      await runBatch(db, event.statements);
      await relayEvents(env, db, locationId, event.eventIds, now);
    } catch (error) {
      log.error("sync_degraded_event_failed", { mailbox, locationId, problem: problem.problem, error });
    }
  }
}
