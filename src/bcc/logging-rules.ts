import type { Address } from "../mail/message-facts";
import { isInInternalDomain } from "../privacy/entries";

/*
 * R19's pure choices for a logged email. `userAddresses` holds every address of the location's users
 * (CRM emails and connected mailboxes, db/location-users.ts), normalised.
 */

/**
 * R19: the first To recipient who is not a user of the location becomes the contact. The logging
 * address itself (any address at BCC_DOMAIN) is never a contact; Cc and Bcc never are. An address of
 * one of the location's internal domains (R27) counts as a user's: a colleague never becomes a contact.
 */
export function pickContactRecipient(
  to: readonly Address[],
  userAddresses: ReadonlyMap<string, string>,
  bccDomain: string,
  internalDomains: ReadonlySet<string> = new Set(),
): Address | null {
  const loggingDomain = bccDomain.toLowerCase();
  for (const recipient of to) {
    if (userAddresses.has(recipient.email) || isInInternalDomain(recipient.email, internalDomains)) continue;
    if (domainOf(recipient.email) === loggingDomain) continue;
    return recipient;
  }
  return null;
}

/** The domain of a normalised address; empty when it has none. */
export function domainOf(email: string): string {
  const at = email.lastIndexOf("@");
  return at < 0 ? "" : email.slice(at + 1);
}
