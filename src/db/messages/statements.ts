import { sql, type SQL } from "drizzle-orm";
import type { KeptContent } from "../../content/message-content";
import type { AttachmentFacts, MessageFacts } from "../../mail/message-facts";
import { chunked, perStatement } from "../chunked";
import type { messages } from "../schema";

/*
 * The SQL of the message store (messages/store.ts), one builder per statement. Raw SQL because the store
 * needs INSERT … SELECT with ON CONFLICT, which is what makes every statement safe to run twice.
 */

export interface MessageKey {
  locationId: string;
  /** The id the row gets if this call creates it. */
  newId: string;
  messageIdHeader: string | null;
  gmail: { mailbox: string; messageId: string } | null;
}

/** Rows matching any unique index this message would collide with (R15, R21), its own new id included. */
export function sameMessage(key: MessageKey): SQL {
  const matches: SQL[] = [sql`id = ${key.newId}`];
  if (key.gmail)
    matches.push(sql`(gmail_mailbox = ${key.gmail.mailbox} AND gmail_message_id = ${key.gmail.messageId})`);
  if (key.messageIdHeader !== null) matches.push(sql`message_id_header = ${key.messageIdHeader}`);
  return sql`location_id = ${key.locationId} AND (${sql.join(matches, sql` OR `)})`;
}

/**
 * Creates the contact's conversation on first use, unless the message is already stored (then it has a
 * conversation, and a new empty one for this contact would only clutter the list).
 */
export function insertConversation(
  key: MessageKey,
  contactId: string,
  conversationId: string,
  now: number,
  admit: SQL,
): SQL {
  return sql`INSERT INTO conversations (id, location_id, contact_id, message_count, last_message_at, created_at)
    SELECT ${conversationId}, ${key.locationId}, ${contactId}, 0, NULL, ${now}
    WHERE NOT EXISTS (SELECT 1 FROM messages WHERE ${sameMessage(key)})
      AND EXISTS (SELECT 1 FROM contacts WHERE location_id = ${key.locationId} AND id = ${contactId}) AND ${admit}
    ON CONFLICT (location_id, contact_id) DO NOTHING`;
}

/**
 * R28, checked inside the store's own transaction: a message synced from Gmail enters a location only while
 * its thread is not un-logged there. A sync that routed the message before the un-log committed stores
 * nothing, however the two interleave. The CRM's own sends are not held back (the user sent them here).
 */
export function admitMessage(
  locationId: string,
  source: MessageClass["source"],
  gmail: { mailbox: string; threadId: string } | null,
): SQL {
  if (source !== "gmail" || gmail === null) return sql`1`;
  return notUnlogged(locationId, gmail.mailbox, gmail.threadId);
}

function notUnlogged(locationId: string, mailbox: string, threadId: string): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM unlogged_threads u WHERE u.location_id = ${locationId}
    AND u.mailbox_address = ${mailbox} AND u.gmail_thread_id = ${threadId})`;
}

/** How a message came and where it stands: the schema's own enums, so the store cannot drift from them. */
export type MessageClass = Pick<typeof messages.$inferSelect, "direction" | "source" | "provider" | "status">;

export interface MessageRowValues extends MessageClass {
  contactId: string;
  facts: MessageFacts;
  gmailThreadId: string | null;
  /** R26: Gmail's UNREAD label when the message was read from Gmail; false for sends and logged mail. */
  unread?: boolean;
  /** The bodies as kept (content/message-content.ts): inline in the row, or the R2 key of the whole body. */
  bodies: Pick<KeptContent, "text" | "html" | "textKey" | "htmlKey" | "bodyBytes">;
}

/** Inserts the message into its contact's conversation; any unique index hit (R15, R21, R22) inserts nothing. */
export function insertMessage(key: MessageKey, row: MessageRowValues, now: number, admit: SQL): SQL {
  const f = row.facts;
  const b = row.bodies;
  return sql`INSERT INTO messages (id, location_id, conversation_id, contact_id, direction, source, provider,
      from_email, from_name, to_json, cc_json, bcc_json, subject, text, html, text_key, html_key, body_bytes, sent_at,
      message_id_header, gmail_mailbox, gmail_message_id, gmail_thread_id, status, unread, created_at)
    SELECT ${key.newId}, ${key.locationId}, c.id, ${row.contactId}, ${row.direction}, ${row.source}, ${row.provider},
      ${f.from?.email ?? ""}, ${f.from?.name ?? null}, ${JSON.stringify(f.to)}, ${JSON.stringify(f.cc)},
      ${JSON.stringify(f.bcc)}, ${f.subject}, ${b.text}, ${b.html}, ${b.textKey}, ${b.htmlKey}, ${b.bodyBytes}, ${f.sentAt},
      ${key.messageIdHeader}, ${key.gmail?.mailbox ?? null}, ${key.gmail?.messageId ?? null}, ${row.gmailThreadId},
      ${row.status}, ${row.unread === true ? 1 : 0}, ${now}
    FROM conversations c WHERE c.location_id = ${key.locationId} AND c.contact_id = ${row.contactId} AND ${admit}
    ON CONFLICT DO NOTHING`;
}

// Per-row values are 9 parameters; location and message id come from the message row itself.
const ATTACHMENTS_PER_INSERT = perStatement(9);

/**
 * Attachment rows, only if the message row with `newId` exists: a duplicate's attachments are never added
 * to the stored original. Cut into statements that stay under D1's 100 bound parameters.
 */
export function insertAttachments(
  key: MessageKey,
  list: readonly AttachmentFacts[],
  storageKeys: readonly (string | null)[],
  newAttachmentId: () => string,
): SQL[] {
  const statements: SQL[] = [];
  const positioned = list.map((attachment, position) => ({ attachment, position }));
  for (const chunk of chunked(positioned, ATTACHMENTS_PER_INSERT)) {
    const rows = chunk.map(({ attachment: a, position }) => {
      return sql`(${newAttachmentId()}, ${a.filename}, ${a.contentType}, ${a.size}, ${a.inline ? 1 : 0}, ${a.contentId},
        ${a.gmailPartId}, ${storageKeys[position] ?? null}, ${position})`;
    });
    statements.push(sql`INSERT INTO attachments (id, location_id, message_id, filename, content_type, size, inline,
        content_id, gmail_part_id, storage_key, position)
      SELECT v.column1, m.location_id, m.id, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7,
        v.column8, v.column9
      FROM (VALUES ${sql.join(rows, sql`, `)}) v, messages m
      WHERE m.location_id = ${key.locationId} AND m.id = ${key.newId}`);
  }
  return statements;
}

/**
 * Binds the Gmail thread to the conversation the message is stored in (ours, or the earlier copy's).
 * By default an existing binding is left alone, ended ones included: R11 keeps a thread where it was first
 * bound and R14's end is final. `takeOver` (a CRM send, R14) points it here again and clears its end. The
 * binding records the Gmail message whose import made it (route-chunk.ts reads it on a re-run).
 * A thread un-logged from the location (R28) is never bound there again.
 */
export function bindThread(key: MessageKey, mailbox: string, threadId: string, takeOver: boolean, now: number): SQL {
  const onConflict = takeOver
    ? sql`DO UPDATE SET conversation_id = excluded.conversation_id, ended_at = NULL, bound_by_gmail_message_id = NULL`
    : sql`DO NOTHING`;
  // Only an import's own binding names its message: a take-over (R14) must hold even against a re-run.
  const boundBy = takeOver ? null : (key.gmail?.messageId ?? null);
  return sql`INSERT INTO thread_bindings (location_id, mailbox_address, gmail_thread_id, conversation_id, created_at, ended_at,
      bound_by_gmail_message_id)
    SELECT ${key.locationId}, ${mailbox}, ${threadId}, m.conversation_id, ${now}, NULL, ${boundBy}
    FROM messages m WHERE ${storedCopy(key)} AND ${notUnlogged(key.locationId, mailbox, threadId)}
    ON CONFLICT (location_id, mailbox_address, gmail_thread_id) ${onConflict}`;
}

/** Counters recomputed from the rows themselves: right however often the batch runs. */
export function recountConversation(locationId: string, contactId: string): SQL {
  return sql`UPDATE conversations SET
      message_count = (SELECT count(*) FROM messages m WHERE m.location_id = conversations.location_id
        AND m.conversation_id = conversations.id),
      last_message_at = (SELECT max(m.sent_at) FROM messages m WHERE m.location_id = conversations.location_id
        AND m.conversation_id = conversations.id)
    WHERE location_id = ${locationId} AND contact_id = ${contactId}`;
}

/** The stored row for this message: ours if just created, else the copy that blocked it (Gmail id first). */
export function selectStoredCopy(key: MessageKey): SQL {
  return sql`SELECT m.id AS id, m.conversation_id AS conversationId, m.contact_id AS contactId FROM messages m WHERE ${storedCopy(key)}`;
}

function storedCopy(key: MessageKey): SQL {
  const gmailFirst = key.gmail
    ? sql`(gmail_mailbox = ${key.gmail.mailbox} AND gmail_message_id = ${key.gmail.messageId}) DESC,`
    : sql``;
  return sql`m.rowid = (SELECT rowid FROM messages WHERE ${sameMessage(key)}
    ORDER BY (id = ${key.newId}) DESC, ${gmailFirst} rowid LIMIT 1)`;
}
