/**
 * Direct row inserts for read-side tests (the write side belongs to sync, send and BCC). They go through
 * the same drizzle schema the Worker uses; defaults are plain and every field can be overridden.
 */
import { env } from "cloudflare:workers";
import { locationDb } from "../../src/db/database";
import * as schema from "../../src/db/schema";
import { uniqueId } from "./api";

/** The location's own database (R31): the rows go where the Worker will look for them. */
export const testDb = (locationId: string) => locationDb(env, locationId);

type ConversationInsert = typeof schema.conversations.$inferInsert;
type MessageInsert = typeof schema.messages.$inferInsert;
type AttachmentInsert = typeof schema.attachments.$inferInsert;

export async function insertConversation(
  values: Pick<ConversationInsert, "locationId" | "contactId"> & Partial<ConversationInsert>,
) {
  return (await testDb(values.locationId))
    .insert(schema.conversations)
    .values({ id: uniqueId("cv"), createdAt: Date.now(), ...values })
    .returning()
    .get();
}

export async function insertMessage(
  values: Pick<MessageInsert, "locationId" | "conversationId" | "contactId"> & Partial<MessageInsert>,
) {
  return (await testDb(values.locationId))
    .insert(schema.messages)
    .values({
      id: uniqueId("msg"),
      direction: "inbound",
      source: "gmail",
      fromEmail: "sender@example.com",
      sentAt: Date.now(),
      status: "received",
      createdAt: Date.now(),
      ...values,
    })
    .returning()
    .get();
}

export async function insertAttachment(
  values: Pick<AttachmentInsert, "locationId" | "messageId"> & Partial<AttachmentInsert>,
) {
  return (await testDb(values.locationId))
    .insert(schema.attachments)
    .values({ id: uniqueId("att"), filename: "file.bin", contentType: "application/octet-stream", size: 0, ...values })
    .returning()
    .get();
}
