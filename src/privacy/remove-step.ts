import type { SQL } from "drizzle-orm";
import type { Database } from "../db/database";
import { groupByConversation, removalStatements, runRemoval, type RemovableMessage } from "../db/message-removal";
import type { Env } from "../env";
import { recordEvent } from "../events/outbox";
import { relayEvents } from "../events/relay";

/** Why messages left the CRM (R28); the reason R29's message.deleted carries. */
export type RemovalReason = "unlog" | "purge" | "erasure";

/** Messages removed per D1 batch: a handful of statements whatever the count (ids travel as one JSON array). */
export const REMOVAL_STEP_MESSAGES = 200;

export type RemovalEnv = Env;

/**
 * One bounded removal: the messages (with attachment rows, their R2 keys recorded for deletion, the
 * idempotent answers that showed them), `extra` statements of the same change, and one message.deleted
 * event per conversation (R29: ids and the reason, never content), all in one D1 batch: the removal and
 * its events commit together or not at all. The events are handed to the events queue after the commit.
 */
export async function removeStep(
  env: RemovalEnv,
  db: Database,
  locationId: string,
  messages: readonly RemovableMessage[],
  reason: RemovalReason,
  now: number,
  extra: SQL[] = [],
): Promise<number> {
  const events = groupByConversation(messages).map((group) =>
    recordEvent({ type: "message.deleted", locationId, data: { ...group, reason } }, now),
  );
  const statements = [
    ...extra,
    ...(messages.length > 0 ? removalStatements(locationId, messages, now) : []),
    ...events.flatMap((event) => event.statements),
  ];
  if (statements.length === 0) return 0;
  await runRemoval(db, statements);
  await relayEvents(
    env,
    db,
    locationId,
    events.flatMap((event) => event.eventIds),
    now,
  );
  return messages.length;
}
