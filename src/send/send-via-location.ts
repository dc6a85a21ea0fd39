import { locationDb } from "../db/database";
import { storeMessages } from "../db/messages/store";
import { relayEvents } from "../events/relay";
import type { Env } from "../env";
import { AppError } from "../errors";
import { log } from "../log";
import type { MessageFacts } from "../mail/message-facts";
import { attachmentBytes, attachmentSize } from "../mail/outgoing-message";
import type { EmailProvider, OutgoingEmail } from "./providers/provider";

/**
 * R18: the location's own provider carries the send; nothing touches Gmail or the R16 quota. The
 * provider names the Message-ID. Attachment bytes are kept in R2, since no mailbox holds a copy to
 * serve them from. Returns the stored message's id.
 */
export async function sendViaLocation(
  env: Env,
  provider: EmailProvider,
  input: { locationId: string; contactId: string; email: OutgoingEmail; now: number },
): Promise<string> {
  const { locationId, email } = input;
  const result = await provider.send(email);
  if (!result.ok) {
    log.warn("location_send_refused", { locationId, provider: provider.name, reason: result.error });
    throw new AppError("email_provider_error", "The location's email provider refused the message; try again later.", {
      provider: provider.name,
    });
  }
  const facts = factsOf(email, result.value.messageIdHeader, input.now);
  // No mailbox holds a copy: the attachments' bytes are kept with the message (R2, content/layout.ts).
  facts.attachments = facts.attachments.map((a, i) => ({ ...a, content: keptBytes(email, i) }));
  const db = await locationDb(env, locationId);
  const [stored] = await storeMessages(
    db,
    env.ATTACHMENTS,
    [
      {
        locationId,
        contactId: input.contactId,
        direction: "outbound",
        source: "crm",
        provider: "location",
        status: "sent",
        facts,
      },
    ],
    input.now,
  );
  if (!stored) throw new Error("sendViaLocation: the store returned no row");
  if (stored.eventId) await relayEvents(env, db, locationId, [stored.eventId], input.now);
  return stored.messageId;
}

function keptBytes(email: OutgoingEmail, index: number): Uint8Array {
  const attachment = email.attachments[index];
  if (!attachment) throw new Error(`sendViaLocation: no attachment ${index}`);
  return attachmentBytes(attachment);
}

/** The stored shape of an outgoing email (the same for both providers). */
export function factsOf(
  email: OutgoingEmail,
  messageIdHeader: string,
  sentAt: number,
  gmailPartIds: readonly (string | null)[] = [],
): MessageFacts {
  return {
    messageIdHeader,
    from: email.from,
    to: [...email.to],
    cc: [...email.cc],
    bcc: [...email.bcc],
    subject: email.subject,
    text: email.text ?? null,
    html: email.html ?? null,
    sentAt,
    inReplyTo: email.inReplyTo ?? null,
    references: [...(email.references ?? [])],
    attachments: email.attachments.map((a, i) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: attachmentSize(a),
      inline: false,
      contentId: null,
      gmailPartId: gmailPartIds[i] ?? null,
      content: null,
    })),
  };
}
