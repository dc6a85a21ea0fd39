import { and, eq, type SQL } from "drizzle-orm";
import { messagePrefix } from "../../content/layout";
import { discardContent, keepMessageContent, type KeptContent } from "../../content/message-content";
import type { MessageFacts } from "../../mail/message-facts";
import type { Database } from "../database";
import { recordMessageEvents } from "../../events/outbox";
import { newId } from "../ids";
import { runBatch } from "../run-batch";
import { messages } from "../schema";
import {
  admitMessage,
  bindThread,
  insertAttachments,
  insertConversation,
  insertMessage,
  recountConversation,
  selectStoredCopy,
  type MessageClass,
  type MessageKey,
} from "./statements";

/** A message as Gmail knows it; `mailbox` is the normalised Google address. */
export interface GmailMessageRef {
  mailbox: string;
  messageId: string;
  threadId: string;
}

/** `provider`: for source "crm", what carried it out; null otherwise. */
export interface StoreMessageInput extends MessageClass {
  locationId: string;
  contactId: string;
  facts: MessageFacts;
  gmail?: GmailMessageRef | null;
  /**
   * Binds this Gmail thread to the conversation the message ends up in (R8, R11). An existing binding,
   * active or ended by R14, is left as it is unless `takeOver` (a CRM send in this location, R14).
   */
  bindThread?: { mailbox: string; threadId: string; takeOver?: boolean } | null;
  /** R26: Gmail's UNREAD label at fetch time (synced mail only; everything else starts read). */
  unread?: boolean;
}

export interface StoredMessage {
  /** The stored row: the one just created, or the earlier copy that made this one a duplicate. */
  messageId: string;
  conversationId: string;
  /** The contact of that row: differs from the item's when an earlier copy lives in another conversation. */
  contactId: string;
  created: boolean;
  /** The message.created event written with it (R29): set when `created`; relay it after the call. */
  eventId: string | null;
}

/**
 * The one writer of messages (Gmail sync, BCC logging, CRM sends). Content that does not belong in a row
 * (large bodies, attachments we keep) goes to R2 first (content/message-content.ts, R31); then all items
 * go in one D1 batch, which D1 runs as one transaction, and every statement is idempotent: the conversation
 * is created on first use, a message hitting a unique index (Gmail id R15, Message-ID R21) is not stored
 * again and neither are its attachments, counters are recounted from the rows. Running the same call twice
 * changes nothing; a duplicate's R2 objects are removed again. All items must belong to one location: one
 * call writes one location's database. Each message stored gets its message.created event in the same
 * batch (R29): the caller relays `eventId`s after the call.
 * An item answers null when R28 holds it back: its Gmail thread was un-logged from the location, or its
 * contact was erased, at any moment before this batch.
 */
export async function storeMessages(
  db: Database,
  bucket: R2Bucket,
  items: readonly StoreMessageInput[],
  now: number,
  options: { alsoInBatch?: readonly SQL[] } = {},
): Promise<(StoredMessage | null)[]> {
  // Statements that must commit with the rows, run after them (R30: the sync's decisions about them).
  const alsoInBatch = options.alsoInBatch ?? [];
  const locationId = items[0]?.locationId;
  if (locationId === undefined) {
    if (alsoInBatch.length > 0) await runBatch(db, [...alsoInBatch]);
    return [];
  }
  if (items.some((item) => item.locationId !== locationId)) {
    throw new Error("storeMessages: every item of one call must belong to the same location");
  }
  const keys = items.map(
    (item): MessageKey => ({
      locationId,
      newId: newId("msg"),
      messageIdHeader: item.facts.messageIdHeader,
      gmail: item.gmail ? { mailbox: item.gmail.mailbox, messageId: item.gmail.messageId } : null,
    }),
  );
  // Content first, rows second: a row never points at content that is not there.
  const kept = await Promise.all(
    items.map((item, i) =>
      keepMessageContent(bucket, messagePrefix(locationId, item.contactId, keys[i]?.newId ?? ""), item.facts),
    ),
  );

  const writes: SQL[] = [];
  items.forEach((item, i) => {
    const key = keys[i] as MessageKey;
    const content = kept[i] as KeptContent;
    const admit = admitMessage(locationId, item.source, item.gmail ?? null);
    writes.push(
      insertConversation(key, item.contactId, newId("cv"), now, admit),
      insertMessage(key, { ...item, gmailThreadId: item.gmail?.threadId ?? null, bodies: content }, now, admit),
      ...insertAttachments(key, item.facts.attachments, content.attachmentKeys, () => newId("att")),
    );
  });
  items.forEach((item, i) => {
    const bind = item.bindThread;
    if (bind) writes.push(bindThread(keys[i] as MessageKey, bind.mailbox, bind.threadId, bind.takeOver ?? false, now));
  });
  for (const contactId of new Set(items.map((item) => item.contactId))) {
    writes.push(recountConversation(locationId, contactId));
  }
  // R29: a new row's id is its own key, so only messages really stored here get message.created.
  const created = recordMessageEvents(
    "message.created",
    locationId,
    keys.map((key) => key.newId),
    now,
  );
  writes.push(...created.statements);

  writes.push(...alsoInBatch);
  const results = await runBatch(db, [...writes, ...keys.map(selectStoredCopy)]);
  const copies = results.slice(writes.length);

  const stored = keys.map((key, i) => {
    const row = copies[i]?.results[0] as { id: string; conversationId: string; contactId: string } | undefined;
    // Neither stored nor a duplicate: R28 held it back (its thread was un-logged, its contact erased).
    if (!row) return null;
    const isNew = row.id === key.newId;
    const eventId = isNew ? (created.eventIds[i] ?? null) : null;
    return { messageId: row.id, conversationId: row.conversationId, contactId: row.contactId, created: isNew, eventId };
  });
  // Objects are named after the row they were written for: a duplicate's point at no row.
  await discardContent(
    bucket,
    stored.flatMap((s, i) => (s?.created ? [] : (kept[i]?.written ?? []))),
  );
  return stored;
}

/**
 * The message already stored in the location under this Message-ID, if any (R21). A cheap look before
 * work that only a new message needs (creating its contact, keeping its attachments); storeMessages
 * stays the guarantee.
 */
export async function findMessageByMessageIdHeader(
  db: Database,
  locationId: string,
  messageIdHeader: string,
): Promise<{ id: string; conversationId: string; contactId: string } | undefined> {
  return db
    .select({ id: messages.id, conversationId: messages.conversationId, contactId: messages.contactId })
    .from(messages)
    .where(and(eq(messages.locationId, locationId), eq(messages.messageIdHeader, messageIdHeader)))
    .get();
}
