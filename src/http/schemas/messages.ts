import { z } from "@hono/zod-openapi";
import { PageQuery, ServiceId, Timestamp } from "./common";
import { LocationIdParam } from "./provisioning";

const idParam = (name: string) => ServiceId.openapi({ param: { name, in: "path" } });

export const ConversationParams = LocationIdParam.extend({ conversationId: idParam("conversationId") });
export const MessageParams = LocationIdParam.extend({ messageId: idParam("messageId") });
export const AttachmentParams = MessageParams.extend({ attachmentId: idParam("attachmentId") });

export const ListConversationsQuery = PageQuery.extend({ contactId: ServiceId.optional() });

export const Conversation = z
  .object({
    id: z.string(),
    locationId: z.string(),
    contactId: z.string(),
    messageCount: z.number().int(),
    lastMessageAt: Timestamp.nullable(),
    createdAt: Timestamp,
  })
  .openapi("Conversation");

export const MailAddress = z.object({ email: z.string(), name: z.string().nullable() }).openapi("MailAddress");

export const Attachment = z
  .object({
    id: z.string(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    inline: z.boolean(),
    contentId: z.string().nullable(),
  })
  .openapi("Attachment");

export const Message = z
  .object({
    id: z.string(),
    locationId: z.string(),
    conversationId: z.string(),
    contactId: z.string(),
    direction: z.enum(["inbound", "outbound"]),
    source: z.enum(["gmail", "crm", "bcc"]),
    provider: z.enum(["gmail", "location"]).nullable(),
    from: MailAddress,
    to: z.array(MailAddress),
    cc: z.array(MailAddress),
    bcc: z.array(MailAddress),
    subject: z.string(),
    text: z.string().nullable(),
    html: z.string().nullable(),
    sentAt: Timestamp,
    messageIdHeader: z.string().nullable(),
    gmail: z.object({ mailbox: z.string(), messageId: z.string(), threadId: z.string() }).nullable(),
    unread: z.boolean().openapi({ description: "R26: Gmail's UNREAD label on the message; false for CRM sends" }),
    gmailState: z
      .enum(["present", "trashed", "deleted"])
      .nullable()
      .openapi({ description: "R26: where the message stands in Gmail; null where Gmail was not involved" }),
    attachments: z.array(Attachment),
  })
  .openapi("Message");

/** PATCH …/messages/{messageId} (R26): the CRM marks a message read or unread. */
export const UpdateMessageBody = z.object({ unread: z.boolean() }).strict().openapi("UpdateMessage");
