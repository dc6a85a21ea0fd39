import type { Database } from "../db/database";
import { findLocationByBccToken, type LocationRow } from "../db/locations";

// Tokens are generated as lower-case base32 (db/locations.ts); anything else is no logging address.
const TOKEN = /^[a-z0-9]{16,64}$/;

/**
 * The logging token of an envelope recipient `<token>@BCC_DOMAIN` (R19), compared without regard to
 * case (docs/api.md); null for another domain or a local part that cannot be a token.
 */
export function bccTokenOf(envelopeTo: string, bccDomain: string): string | null {
  const address = envelopeTo.trim().replace(/^<|>$/g, "").toLowerCase();
  const at = address.lastIndexOf("@");
  if (at <= 0 || address.slice(at + 1) !== bccDomain.toLowerCase()) return null;
  const token = address.slice(0, at);
  return TOKEN.test(token) ? token : null;
}

/** The location whose logging address received the mail, or null for an unknown address. */
export async function resolveLocation(
  directory: Database,
  envelopeTo: string,
  bccDomain: string,
): Promise<LocationRow | null> {
  const token = bccTokenOf(envelopeTo, bccDomain);
  if (token === null) return null;
  return (await findLocationByBccToken(directory, token)) ?? null;
}
