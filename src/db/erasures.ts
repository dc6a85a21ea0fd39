import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "./database";
import { conversations, erasures } from "./schema";

export type ErasureRow = typeof erasures.$inferSelect;

export async function getErasure(db: Database, locationId: string, contactId: string): Promise<ErasureRow | undefined> {
  return db
    .select()
    .from(erasures)
    .where(and(eq(erasures.locationId, locationId), eq(erasures.contactId, contactId)))
    .get();
}

/** The contact's one conversation in the location, if it has one. */
export async function findContactConversationId(
  db: Database,
  locationId: string,
  contactId: string,
): Promise<string | null> {
  const row = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.locationId, locationId), eq(conversations.contactId, contactId)))
    .get();
  return row?.id ?? null;
}

/**
 * The first step of an erasure, one transaction: the job is recorded, and the contact, its conversation and
 * the conversation's thread bindings go at once, so from this moment every route answers 404 for them and for
 * the messages still waiting to be removed (a message is readable only while its conversation exists).
 * A sync routed before this moment cannot bring them back: the store creates a conversation only for a
 * contact that exists (messages/statements.ts insertConversation).
 */
export function startErasureStatements(
  erasure: { locationId: string; contactId: string; conversationId: string | null },
  now: number,
): SQL[] {
  const { locationId, contactId, conversationId } = erasure;
  return [
    sql`INSERT INTO erasures (location_id, contact_id, conversation_id, status, removed_messages, started_at, finished_at)
      VALUES (${locationId}, ${contactId}, ${conversationId}, 'running', 0, ${now}, NULL) ON CONFLICT DO NOTHING`,
    sql`DELETE FROM thread_bindings WHERE location_id = ${locationId} AND conversation_id = ${conversationId}`,
    sql`DELETE FROM conversations WHERE location_id = ${locationId} AND contact_id = ${contactId}`,
    sql`DELETE FROM contacts WHERE location_id = ${locationId} AND id = ${contactId}`,
  ];
}

/** Counts a step's removals on the job, in the step's own batch. */
export function countErasureStep(locationId: string, contactId: string, removed: number): SQL {
  return sql`UPDATE erasures SET removed_messages = removed_messages + ${removed}
    WHERE location_id = ${locationId} AND contact_id = ${contactId}`;
}

export async function finishErasure(db: Database, locationId: string, contactId: string, now: number): Promise<void> {
  await db
    .update(erasures)
    .set({ status: "done", finishedAt: now })
    .where(and(eq(erasures.locationId, locationId), eq(erasures.contactId, contactId)))
    .run();
}
