import { addressParser } from "postal-mime";
import { capHeaderValue } from "./header-values";
import type { Address } from "./message-facts";

/** Lower-cased and trimmed: the one form addresses are compared and stored in. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Loose on purpose: a parsed header keeps whatever has a local part, an "@" and a domain, so an odd but
// deliverable address is still matched against contacts. Sends use the stricter isValidEmail.
const PARSEABLE = /^[^\s@<>,;:"]+@[^\s@<>,;:"]+$/;

/**
 * Parses an address header value (From, To, Cc, Bcc, Reply-To) into addresses in header order.
 * Groups are flattened; display names come RFC 2047 decoded from postal-mime; entries without a usable
 * address are dropped. Never throws: a garbled header yields what could be read (possibly nothing).
 */
export function parseAddressList(value: string | null | undefined): Address[] {
  if (value === null || value === undefined || value.trim() === "") return [];
  let parsed: ReturnType<typeof addressParser>;
  try {
    parsed = addressParser(capHeaderValue(value), { flatten: true });
  } catch {
    return [];
  }
  const out: Address[] = [];
  for (const entry of parsed) {
    if (entry.group !== undefined) continue;
    const email = normalizeEmail(entry.address);
    if (!PARSEABLE.test(email)) continue;
    const name = entry.name.trim();
    out.push({ email, name: name === "" ? null : name });
  }
  return out;
}

/** The first address of a header such as From; null when none is readable. */
export function parseAddress(value: string | null | undefined): Address | null {
  return parseAddressList(value)[0] ?? null;
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LABEL = /^([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/**
 * Pragmatic syntax check for recipients of a send: ASCII dot-atom local part (no quoted forms, no
 * comments), a dotted hostname with an alphabetic (or punycode) top label, RFC 5321 length limits.
 * Rejecting the exotic forms keeps every accepted address safe to write verbatim into a header.
 */
export function isValidEmail(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf("@");
  if (at <= 0) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  const labels = domain.split(".");
  if (labels.length < 2) return false;
  const top = labels[labels.length - 1] ?? "";
  return labels.every((label) => DOMAIN_LABEL.test(label)) && TOP_LABEL.test(top);
}
