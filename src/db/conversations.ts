import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "./database";
import { conversations } from "./schema";

export type ConversationRow = typeof conversations.$inferSelect;

/** A page position: the sort key of the last row already returned. */
export interface PageAfter {
  at: number;
  id: string;
}

export async function getConversation(
  db: Database,
  locationId: string,
  conversationId: string,
): Promise<ConversationRow | undefined> {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.locationId, locationId), eq(conversations.id, conversationId)))
    .get();
}

/** A conversation's activity: its last message, or its creation while it has none. */
export const conversationActivity = sql<number>`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;

/** Latest activity first, then larger id first; `after` continues a previous page. */
export async function listConversations(
  db: Database,
  locationId: string,
  options: { contactId?: string; after?: PageAfter; limit: number },
): Promise<ConversationRow[]> {
  const where: SQL[] = [eq(conversations.locationId, locationId)];
  if (options.contactId !== undefined) where.push(eq(conversations.contactId, options.contactId));
  if (options.after) {
    where.push(
      sql`(${conversationActivity} < ${options.after.at} OR (${conversationActivity} = ${options.after.at} AND ${conversations.id} < ${options.after.id}))`,
    );
  }
  return db
    .select()
    .from(conversations)
    .where(and(...where))
    .orderBy(desc(conversationActivity), desc(conversations.id))
    .limit(options.limit)
    .all();
}
