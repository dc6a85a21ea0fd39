import { sql } from "drizzle-orm";
import { locationDb } from "../db/database";
import { parkedDecisionsInsert } from "../db/sync-decisions";
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

/**
 * R24/R30/R29: the `parked` decisions of messages in one location and their mailbox.sync_degraded events,
 * in one batch. A message already parked (or stored) there gets no second event, so the caller may retry
 * the whole call after a failure. Throws when the batch fails.
 */
export async function recordParkedWithEvents(
  env: Env,
  connection: { locationId: string; userId: string },
  mailbox: string,
  gmailMessageIds: readonly string[],
  now: number,
): Promise<void> {
  const { locationId, userId } = connection;
  const db = await locationDb(env, locationId);
  const events = gmailMessageIds.map((gmailMessageId) =>
    recordEvent(
      {
        type: "mailbox.sync_degraded",
        locationId,
        data: { userId, emailAddress: mailbox, problem: "message_parked", details: { gmailMessageId } },
      },
      now,
      {
        onlyIf: sql`NOT EXISTS (SELECT 1 FROM sync_decisions WHERE location_id = ${locationId}
          AND mailbox_address = ${mailbox} AND gmail_message_id = ${gmailMessageId} AND decision IN ('parked', 'stored'))`,
      },
    ),
  );
  await runBatch(db, [
    ...events.flatMap((e) => e.statements),
    parkedDecisionsInsert(locationId, mailbox, gmailMessageIds, now),
  ]);
  await relayEvents(
    env,
    db,
    locationId,
    events.flatMap((e) => e.eventIds),
    now,
  );
}
