import { isValidEmail, normalizeEmail } from "../mail/address";

/*
 * R27's list entries, pure. A never-log entry is an address (`x@acme.com`) or a domain written with its
 * at sign (`@acme.com`); an internal domain is bare (`acme.com`). Entries compare lower-cased and trimmed
 * (API.md "Conventions"); `@acme.com` matches `x@acme.com`, never `x@sub.acme.com`.
 */

/** R27: at most this many entries per list (API.md "Privacy"). */
export const MAX_PRIVACY_ENTRIES = 1_000;

/** A never-log list ready for lookups: whole addresses, and domains (without the at sign). */
export interface NeverLogList {
  addresses: ReadonlySet<string>;
  domains: ReadonlySet<string>;
}

/** A never-log entry normalised, or null when it is neither an address nor `@domain`. */
export function normalizeNeverLogEntry(raw: string): string | null {
  const entry = normalizeEmail(raw);
  if (entry.startsWith("@")) return isValidDomain(entry.slice(1)) ? entry : null;
  return isValidEmail(entry) ? entry : null;
}

/** An internal domain normalised (bare, no at sign), or null when it is not a domain name. */
export function normalizeInternalDomain(raw: string): string | null {
  const domain = normalizeEmail(raw);
  return isValidDomain(domain) ? domain : null;
}

/** The same domain rule as an address's (mail/address.ts): two labels or more. */
function isValidDomain(domain: string): boolean {
  return domain.length <= 253 && isValidEmail(`x@${domain}`);
}

/** Builds the lookup form of one or more never-log lists (the location's and the mailbox owner's). */
export function toNeverLogList(...lists: readonly (readonly string[])[]): NeverLogList {
  const addresses = new Set<string>();
  const domains = new Set<string>();
  for (const list of lists) {
    for (const entry of list) {
      if (entry.startsWith("@")) domains.add(entry.slice(1));
      else addresses.add(entry);
    }
  }
  return { addresses, domains };
}

/** R27: does this normalised address match a never-log entry? */
export function matchesNeverLog(email: string, list: NeverLogList): boolean {
  return list.addresses.has(email) || list.domains.has(domainOf(email));
}

/** R27: is this normalised address in one of the location's internal domains? */
export function isInInternalDomain(email: string, internalDomains: ReadonlySet<string>): boolean {
  return internalDomains.size > 0 && internalDomains.has(domainOf(email));
}

/** The domain of a normalised address (after its last at sign); empty when it has none. */
function domainOf(email: string): string {
  const at = email.lastIndexOf("@");
  return at < 0 ? "" : email.slice(at + 1);
}
