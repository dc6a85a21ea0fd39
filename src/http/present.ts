import { z } from "@hono/zod-openapi";
import type { ContactRow } from "../db/contacts";
import type { ConversationRow } from "../db/conversations";
import type { LocationRow } from "../db/locations";
import type { AttachmentRow, MessageWithAttachments } from "../db/messages/read";
import type { UserRow } from "../db/users";
import type { EventPresenters } from "../events/render";
import type { Contact } from "./schemas/contacts";
import type { Attachment, Conversation, Message } from "./schemas/messages";
import type { Location, User } from "./schemas/provisioning";

/* Rows (Unix ms, JSON columns) into docs/api.md's shapes (ISO 8601 UTC, nested objects). Pure. */

const iso = (ms: number) => new Date(ms).toISOString();

export function presentLocation(row: LocationRow, bccDomain: string): z.infer<typeof Location> {
  return { id: row.id, name: row.name, bccAddress: `${row.bccToken}@${bccDomain}`, createdAt: iso(row.createdAt) };
}

export function presentUser(row: UserRow): z.infer<typeof User> {
  return { id: row.id, email: row.email, name: row.name, createdAt: iso(row.createdAt) };
}

export function presentContact(row: ContactRow): z.infer<typeof Contact> {
  return {
    id: row.id,
    locationId: row.locationId,
    email: row.email,
    name: row.name,
    assignedUserId: row.assignedUserId,
    createdAt: iso(row.createdAt),
  };
}

export function presentConversation(row: ConversationRow): z.infer<typeof Conversation> {
  return {
    id: row.id,
    locationId: row.locationId,
    contactId: row.contactId,
    messageCount: row.messageCount,
    lastMessageAt: row.lastMessageAt === null ? null : iso(row.lastMessageAt),
    createdAt: iso(row.createdAt),
  };
}

const StoredAddresses = z.array(z.object({ email: z.string(), name: z.string().nullable().catch(null) }));

/** The address columns are our own JSON; a damaged one shows as empty rather than failing the whole read. */
function addresses(json: string): { email: string; name: string | null }[] {
  try {
    const parsed = StoredAddresses.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function presentAttachment(row: AttachmentRow): z.infer<typeof Attachment> {
  return {
    id: row.id,
    filename: row.filename,
    contentType: row.contentType,
    size: row.size,
    inline: row.inline,
    contentId: row.contentId,
  };
}

export function presentMessage(row: MessageWithAttachments): z.infer<typeof Message> {
  return {
    id: row.id,
    locationId: row.locationId,
    conversationId: row.conversationId,
    contactId: row.contactId,
    direction: row.direction,
    source: row.source,
    // `provider` says what carried a CRM send out; for synced or logged mail there is none.
    provider: row.source === "crm" ? row.provider : null,
    from: { email: row.fromEmail, name: row.fromName },
    to: addresses(row.toJson),
    cc: addresses(row.ccJson),
    bcc: addresses(row.bccJson),
    subject: row.subject,
    text: row.text,
    html: row.html,
    sentAt: iso(row.sentAt),
    messageIdHeader: row.messageIdHeader,
    gmail:
      row.gmailMessageId === null
        ? null
        : { mailbox: row.gmailMailbox ?? "", messageId: row.gmailMessageId, threadId: row.gmailThreadId ?? "" },
    unread: row.unread,
    // R26: Gmail's state only where Gmail holds the message (BCC-logged mail and location sends have none).
    gmailState: row.gmailMessageId === null ? null : row.gmailState,
    attachments: row.attachments.map(presentAttachment),
  };
}

/** What an event's data carries (R29): the same shapes as the API's answers (events/render.ts). */
export const eventPresenters: EventPresenters = { message: presentMessage, contact: presentContact };
