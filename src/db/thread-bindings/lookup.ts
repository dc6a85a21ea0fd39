import { and, eq, inArray, isNull } from "drizzle-orm";
import { chunked, perStatement } from "../chunked";
import type { Database } from "../database";
import { conversations, threadBindings } from "../schema";

export interface ActiveThreadBinding {
  conversationId: string;
  contactId: string;
  /** The Gmail message whose storing made the binding, when known. */
  boundBy: string | null;
}

/**
 * R11: the conversation each of these Gmail threads is bound to in one location, with its contact.
 * Bindings that R14 ended are left out: they take no new message.
 */
export async function findActiveThreadBindings(
  db: Database,
  locationId: string,
  mailbox: string,
  threadIds: readonly string[],
): Promise<Map<string, ActiveThreadBinding>> {
  const found = new Map<string, ActiveThreadBinding>();
  const unique = [...new Set(threadIds)];
  for (const threadIds of chunked(unique, perStatement())) {
    const rows = await db
      .select({
        threadId: threadBindings.gmailThreadId,
        conversationId: conversations.id,
        contactId: conversations.contactId,
        boundBy: threadBindings.boundByGmailMessageId,
      })
      .from(threadBindings)
      .innerJoin(
        conversations,
        and(
          eq(conversations.locationId, threadBindings.locationId),
          eq(conversations.id, threadBindings.conversationId),
        ),
      )
      .where(
        and(
          eq(threadBindings.locationId, locationId),
          eq(threadBindings.mailboxAddress, mailbox),
          inArray(threadBindings.gmailThreadId, threadIds),
          isNull(threadBindings.endedAt),
        ),
      )
      .all();
    for (const row of rows) {
      found.set(row.threadId, { conversationId: row.conversationId, contactId: row.contactId, boundBy: row.boundBy });
    }
  }
  return found;
}
