/**
 * Readings of header values shared by every parser (Gmail sync and the BCC handler). R21 finds the same
 * message arriving both ways by its Message-ID, so both must read it with these very functions.
 */

/** RFC 5322 caps a line at 998 characters; longer ids are cut so that a hostile header cannot bloat a row. */
export const MAX_ID_CHARS = 998;

/** Every `<…>` id of a References / In-Reply-To value, in order. */
export function angleIds(value: string): string[] {
  return (value.match(/<[^<>\s]+>/g) ?? []).map((id) => id.slice(0, MAX_ID_CHARS));
}

/** `<id@host>` as written, or the bare token wrapped in brackets (some mailers omit them). */
export function firstAngleId(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const bracketed = angleIds(value)[0];
  if (bracketed !== undefined) return bracketed;
  const bare = value.trim().split(/\s+/)[0] ?? "";
  return bare.includes("@") ? `<${bare.slice(0, MAX_ID_CHARS - 2)}>` : null;
}

/** A Date header as Unix ms, or null when unreadable; a trailing "(UTC)"-style comment is ignored. */
export function parseDateHeader(value: string | null): number | null {
  if (value === null) return null;
  const ms = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ""));
  return Number.isFinite(ms) ? ms : null;
}
