import type { Config } from "../config";
import { findFirstContactByEmail, insertContactWithEvent, type ContactRow } from "../db/contacts";
import { directoryDb, locationDb, type Database } from "../db/database";
import { loadLocationUserAddresses } from "../db/location-users";
import type { LocationRow } from "../db/locations";
import { findMessageByMessageIdHeader, storeMessages } from "../db/messages/store";
import type { Env } from "../env";
import { relayEvents } from "../events/relay";
import { err, ok, type Result } from "../util/result";
import { parseRawMessage } from "../mail/parse-raw";
import { readRawHeaders } from "../mail/raw-headers";
import { getLocationPrivacy, getUserNeverLog } from "../db/privacy-settings";
import { matchesNeverLog, toNeverLogList } from "../privacy/entries";
import { decideSenderAuthentication, findTrustedResults } from "./authentication-results";
import { domainOf, pickContactRecipient } from "./logging-rules";
import { syntheticMessageId } from "./message-fingerprint";

/** R20: messages over 25 MiB are refused. */
export const MAX_BCC_MESSAGE_BYTES = 25 * 1024 * 1024;

/** The message logged (or found logged before: `created` false), or the refusal the sender is told. */
export type LogOutcome = Result<{ messageId: string; contactId: string; created: boolean }, string>;

export interface LogContext {
  env: Env;
  config: Pick<Config, "BCC_DOMAIN" | "BCC_AUTHSERV_ID">;
  now: number;
}

/**
 * R19–R21: logs one email that reached `location`'s logging address. Refusals are values with a reason
 * for the sender; storage failures throw, so that the sending server tries again later. Everything it
 * writes is idempotent, so a retried delivery stores nothing twice.
 */
export async function logBccMessage(ctx: LogContext, location: LocationRow, raw: Uint8Array): Promise<LogOutcome> {
  if (raw.byteLength > MAX_BCC_MESSAGE_BYTES) {
    return rejected(`The message is ${raw.byteLength} bytes; at most ${MAX_BCC_MESSAGE_BYTES} are accepted.`);
  }
  // Reading 13: the sender is decided from the headers alone; mail refused here costs no parse of its body.
  const head = await readRawHeaders(raw);
  if (!head.ok) return rejected(head.error);
  const { from, headers } = head.value;
  if (from === null) return rejected("The message has no readable From address.");

  const verdict = decideSenderAuthentication(
    findTrustedResults(headers, ctx.config.BCC_AUTHSERV_ID),
    domainOf(from.email),
  );
  if (!verdict.ok) return rejected(verdict.error);

  const db = await locationDb(ctx.env, location.id);
  const users = await loadLocationUserAddresses(directoryDb(ctx.env), db, location.id);
  const loggingUserId = users.get(from.email);
  if (loggingUserId === undefined) {
    return rejected("The sender is not a user of this location: only its users can log email here.");
  }
  const parsed = await parseRawMessage(raw, MAX_BCC_MESSAGE_BYTES, ctx.now);
  if (!parsed.ok) return rejected(parsed.error);
  const { facts } = parsed.value;
  const privacy = await getLocationPrivacy(db, location.id);
  const recipient = pickContactRecipient(facts.to, users, ctx.config.BCC_DOMAIN, new Set(privacy.internalDomains));
  if (recipient === null)
    return rejected("No To recipient is outside the location's users: there is no contact to log this email for.");
  // R27: the location's never-log list and the logging user's own apply to the contact candidate.
  const neverLog = toNeverLogList(privacy.neverLog, await getUserNeverLog(db, location.id, loggingUserId));
  if (matchesNeverLog(recipient.email, neverLog)) {
    return rejected(
      "The contact this email would be logged for matches a never-log entry of the location or of the sender: it is not logged.",
    );
  }

  const messageIdHeader = facts.messageIdHeader ?? (await syntheticMessageId(raw, ctx.config.BCC_DOMAIN));
  const existing = await findMessageByMessageIdHeader(db, location.id, messageIdHeader);
  if (existing) return ok({ messageId: existing.id, contactId: existing.contactId, created: false });

  const contact = await findOrCreateContact(ctx, db, location.id, recipient, loggingUserId);
  // Attachment content and large bodies go to R2 inside storeMessages, before the rows (R19, R31).
  const [stored] = await storeMessages(
    db,
    ctx.env.ATTACHMENTS,
    [
      {
        locationId: location.id,
        contactId: contact.id,
        direction: "outbound",
        source: "bcc",
        provider: null,
        status: "sent",
        facts: { ...facts, messageIdHeader },
      },
    ],
    ctx.now,
  );
  if (!stored) throw new Error("storeMessages answered nothing for one message");
  if (stored.eventId) await relayEvents(ctx.env, db, location.id, [stored.eventId], ctx.now);
  return ok({ messageId: stored.messageId, contactId: stored.contactId, created: stored.created });
}

/** R12's contact of the recipient, or a new one (R19) announced by contact.created (R29). */
async function findOrCreateContact(
  ctx: LogContext,
  db: Database,
  locationId: string,
  recipient: { email: string; name: string | null },
  assignedUserId: string,
): Promise<ContactRow> {
  const existing = await findFirstContactByEmail(db, locationId, recipient.email);
  if (existing) return existing;
  const created = await insertContactWithEvent(
    db,
    { locationId, email: recipient.email, name: recipient.name, assignedUserId },
    ctx.now,
  );
  await relayEvents(ctx.env, db, locationId, [created.eventId], ctx.now);
  return created.contact;
}

function rejected(reason: string): LogOutcome {
  return err(reason);
}
