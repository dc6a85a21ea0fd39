/**
 * Readings of header values shared by every parser (Gmail sync and the BCC handler). R21 finds the same
 * message arriving both ways by its Message-ID, so both must read it with these very functions.
 * Reading 11: every function here is one linear pass over a value first cut to MAX_HEADER_VALUE_CHARS;
 * no pattern here can backtrack over text a sender wrote.
 */

/** RFC 5322 caps a line at 998 characters; longer ids are cut so that a hostile header cannot bloat a row. */
export const MAX_ID_CHARS = 998;

/** Gmail keeps at most 32 KB of one header; the BCC path cuts at the same size before reading anything. */
export const MAX_HEADER_VALUE_CHARS = 32 * 1024;

/** A real Date header is ~40 characters; comments and folding never make one longer than this. */
const MAX_DATE_CHARS = 256;

/** The value cut to what any reader of a header looks at. */
export function capHeaderValue(value: string): string {
  return value.length > MAX_HEADER_VALUE_CHARS ? value.slice(0, MAX_HEADER_VALUE_CHARS) : value;
}

/** Every `<…>` id of a References / In-Reply-To value, in order. */
export function angleIds(value: string): string[] {
  // The class excludes "<", so a failed match never rescans what the next start position scans.
  return (capHeaderValue(value).match(/<[^<>\s]+>/g) ?? []).map((id) => id.slice(0, MAX_ID_CHARS));
}

/** `<id@host>` as written, or the bare token wrapped in brackets (some mailers omit them). */
export function firstAngleId(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const bracketed = angleIds(value)[0];
  if (bracketed !== undefined) return bracketed;
  const bare = capHeaderValue(value).trim().split(/\s+/)[0] ?? "";
  return bare.includes("@") ? `<${bare.slice(0, MAX_ID_CHARS - 2)}>` : null;
}

/** A Date header as Unix ms, or null when unreadable; a trailing "(UTC)"-style comment is ignored. */
export function parseDateHeader(value: string | null): number | null {
  if (value === null || value.length > MAX_DATE_CHARS) return null;
  const ms = Date.parse(withoutTrailingComment(value));
  return Number.isFinite(ms) ? ms : null;
}

/** `… +0000 (UTC)` → `… +0000`, found with index searches rather than a pattern anchored at the end. */
function withoutTrailingComment(value: string): string {
  const trimmed = value.trimEnd();
  if (!trimmed.endsWith(")")) return trimmed;
  const close = trimmed.length - 1;
  const open = trimmed.indexOf("(", trimmed.lastIndexOf(")", close - 1) + 1);
  return open >= 0 && open < close ? trimmed.slice(0, open).trimEnd() : trimmed;
}

/**
 * Reading 14: a decoded subject (RFC 2047 may decode to CR, LF or NUL) with every control character (C0,
 * DEL, C1, and the Unicode line and paragraph separators) replaced by a space and the ends trimmed, so
 * that a reply can always carry it in its own Subject (validate-outgoing.ts refuses exactly these).
 */
export function subjectText(decoded: string): string {
  // A character class without quantifier: one step per character, nothing to backtrack.
  return decoded.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ").trim();
}
