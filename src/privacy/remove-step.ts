import type { SQL } from "drizzle-orm";
import type { Database } from "../db/database";
import { removalStatements, runRemoval, type RemovableMessage } from "../db/message-removal";

/** Why messages left the CRM (R28); the reason R29's message.deleted carries. */
export type RemovalReason = "unlog" | "purge" | "erasure";

/** Messages removed per D1 batch: a handful of statements whatever the count (ids travel as one JSON array). */
export const REMOVAL_STEP_MESSAGES = 200;

/**
 * One bounded removal: the messages (with attachment rows, their R2 keys recorded for deletion, the
 * idempotent answers that showed them) and `extra` statements of the same change, in one D1 batch, so a
 * removal is never half done.
 */
export async function removeStep(
  db: Database,
  locationId: string,
  messages: readonly RemovableMessage[],
  _reason: RemovalReason,
  now: number,
  extra: SQL[] = [],
): Promise<number> {
  const statements = [...extra, ...(messages.length > 0 ? removalStatements(locationId, messages, now) : [])];
  if (statements.length > 0) await runRemoval(db, statements);
  return messages.length;
}
