import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../database";
import { threadBindings } from "../schema";

/**
 * R14: the thread no longer takes new messages in this location. Its past messages stay; the end is final
 * unless a CRM send from this location takes the thread back (messages/statements.ts bindThread).
 */
export async function endThreadBinding(
  db: Database,
  binding: { locationId: string; mailbox: string; threadId: string },
  now: number,
): Promise<void> {
  await db
    .update(threadBindings)
    .set({ endedAt: now })
    .where(
      and(
        eq(threadBindings.locationId, binding.locationId),
        eq(threadBindings.mailboxAddress, binding.mailbox),
        eq(threadBindings.gmailThreadId, binding.threadId),
        isNull(threadBindings.endedAt),
      ),
    )
    .run();
}
