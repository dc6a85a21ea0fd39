import type { ContactRow } from "../db/contacts";
import { getContact } from "../db/contacts";
import { directoryDb, locationDb } from "../db/database";
import { isMember } from "../db/members";
import { getMessage } from "../db/messages/read";
import { getConnection } from "../db/connections";
import { listThreadMessageIds } from "../db/messages/send-lookups";
import { getUser, type UserRow } from "../db/users";
import type { Env } from "../env";
import { AppError } from "../errors";
import type { RepliedMessage, SenderConnection } from "./plan-send";

/** Everything a send reads before it acts, loaded and checked (404s) in one place. */
export interface SendContext {
  user: UserRow;
  contact: ContactRow;
  connection: SenderConnection | null;
  reply: { message: RepliedMessage; conversationId: string; threadIds: string[] } | null;
}

export async function loadSendContext(
  env: Env,
  locationId: string,
  request: { userId: string; contactId: string; inReplyTo?: string | undefined },
): Promise<SendContext> {
  const db = await locationDb(env, locationId);
  const [user, member, contact, connection] = await Promise.all([
    getUser(directoryDb(env), request.userId),
    isMember(db, locationId, request.userId),
    getContact(db, locationId, request.contactId),
    getConnection(db, locationId, request.userId),
  ]);
  if (!user || !member)
    throw new AppError("not_found", `User ${request.userId} is not a member of location ${locationId}.`);
  if (!contact)
    throw new AppError("not_found", `Contact ${request.contactId} does not exist in location ${locationId}.`);
  return {
    user,
    contact,
    connection: connection ? { status: connection.status, mailboxAddress: connection.mailboxAddress } : null,
    reply: request.inReplyTo === undefined ? null : await loadReply(env, locationId, contact.id, request.inReplyTo),
  };
}

/** The replied message must be the contact's: "a CRM message id in the same conversation" (docs/api.md). */
async function loadReply(env: Env, locationId: string, contactId: string, messageId: string) {
  const db = await locationDb(env, locationId);
  const row = await getMessage(db, locationId, messageId);
  if (!row || row.contactId !== contactId) {
    throw new AppError(
      "not_found",
      `Message ${messageId} is not in this contact's conversation in location ${locationId}.`,
    );
  }
  const thread =
    row.gmailMailbox !== null && row.gmailThreadId !== null
      ? { mailbox: row.gmailMailbox, threadId: row.gmailThreadId }
      : null;
  const threadIds = thread ? await listThreadMessageIds(db, locationId, row.conversationId, thread, row.sentAt) : [];
  return {
    message: {
      messageIdHeader: row.messageIdHeader,
      subject: row.subject,
      gmailMailbox: row.gmailMailbox,
      gmailThreadId: row.gmailThreadId,
    },
    conversationId: row.conversationId,
    threadIds,
  };
}
