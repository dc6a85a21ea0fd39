import { and, asc, eq, gt, inArray, or, sql } from "drizzle-orm";
import { chunked, perStatement } from "../chunked";
import type { PageAfter } from "../conversations";
import type { Database } from "../database";
import { attachments, messages } from "../schema";

export type MessageRow = typeof messages.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;
export type MessageWithAttachments = MessageRow & { attachments: AttachmentRow[] };

/**
 * R28: a message is readable only while its conversation exists. An erasure removes the conversation in its
 * first batch and the messages in bounded steps after it: none of them is readable in between.
 */
const inLiveConversation = sql`EXISTS (SELECT 1 FROM conversations c WHERE c.location_id = ${messages.locationId}
  AND c.id = ${messages.conversationId})`;

export async function getMessage(
  db: Database,
  locationId: string,
  messageId: string,
): Promise<MessageWithAttachments | undefined> {
  const row = await db
    .select()
    .from(messages)
    .where(and(eq(messages.locationId, locationId), eq(messages.id, messageId), inLiveConversation))
    .get();
  if (!row) return undefined;
  return { ...row, attachments: (await attachmentsOf(db, locationId, [messageId])).get(messageId) ?? [] };
}

/** A conversation's messages, oldest first (sentAt, then id); `after` continues a previous page. */
export async function listMessages(
  db: Database,
  locationId: string,
  conversationId: string,
  options: { after?: PageAfter; limit: number },
): Promise<MessageWithAttachments[]> {
  const after = options.after;
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.locationId, locationId),
        eq(messages.conversationId, conversationId),
        after
          ? or(gt(messages.sentAt, after.at), and(eq(messages.sentAt, after.at), gt(messages.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(messages.sentAt), asc(messages.id))
    .limit(options.limit)
    .all();
  const byMessage = await attachmentsOf(
    db,
    locationId,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({ ...row, attachments: byMessage.get(row.id) ?? [] }));
}

export async function getAttachment(
  db: Database,
  locationId: string,
  messageId: string,
  attachmentId: string,
): Promise<AttachmentRow | undefined> {
  const row = await db
    .select({ attachment: attachments })
    .from(attachments)
    .innerJoin(messages, and(eq(messages.locationId, attachments.locationId), eq(messages.id, attachments.messageId)))
    .where(
      and(
        eq(attachments.locationId, locationId),
        eq(attachments.messageId, messageId),
        eq(attachments.id, attachmentId),
        inLiveConversation,
      ),
    )
    .get();
  return row?.attachment;
}

/** Attachments of several messages in their part order, chunked under D1's 100 bound parameters. */
async function attachmentsOf(
  db: Database,
  locationId: string,
  messageIds: string[],
): Promise<Map<string, AttachmentRow[]>> {
  const out = new Map<string, AttachmentRow[]>();
  for (const chunk of chunked(messageIds, perStatement())) {
    const rows = await db
      .select()
      .from(attachments)
      .where(and(eq(attachments.locationId, locationId), inArray(attachments.messageId, chunk)))
      .orderBy(asc(attachments.messageId), asc(attachments.position), asc(attachments.id))
      .all();
    for (const row of rows) out.set(row.messageId, [...(out.get(row.messageId) ?? []), row]);
  }
  return out;
}
