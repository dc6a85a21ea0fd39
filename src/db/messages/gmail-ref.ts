import { and, eq } from "drizzle-orm";
import type { Database } from "../database";
import { messages } from "../schema";

/** The Gmail mailbox and message id a stored message came from; undefined when Gmail was not involved. */
export async function getMessageGmailRef(
  db: Database,
  locationId: string,
  messageId: string,
): Promise<{ mailbox: string; messageId: string } | undefined> {
  const row = await db
    .select({ mailbox: messages.gmailMailbox, gmailMessageId: messages.gmailMessageId })
    .from(messages)
    .where(and(eq(messages.locationId, locationId), eq(messages.id, messageId)))
    .get();
  if (!row?.mailbox || !row.gmailMessageId) return undefined;
  return { mailbox: row.mailbox, messageId: row.gmailMessageId };
}
