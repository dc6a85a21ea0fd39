import { and, asc, eq, isNotNull, lte } from "drizzle-orm";
import type { Database } from "../database";
import { messages } from "../schema";

/**
 * RFC 822 ids of a conversation's messages in one Gmail thread of one mailbox, sent up to `until`,
 * oldest first: the References chain of a reply (R13).
 */
export async function listThreadMessageIds(
  db: Database,
  locationId: string,
  conversationId: string,
  thread: { mailbox: string; threadId: string },
  until: number,
): Promise<string[]> {
  const rows = await db
    .select({ id: messages.messageIdHeader })
    .from(messages)
    .where(
      and(
        eq(messages.locationId, locationId),
        eq(messages.conversationId, conversationId),
        eq(messages.gmailMailbox, thread.mailbox),
        eq(messages.gmailThreadId, thread.threadId),
        isNotNull(messages.messageIdHeader),
        lte(messages.sentAt, until),
      ),
    )
    .orderBy(asc(messages.sentAt), asc(messages.id))
    .limit(200)
    .all();
  return rows.flatMap((r) => (r.id === null ? [] : [r.id]));
}
