/**
 * Decoding of Gmail part bodies. Gmail hands every part body as base64url of its transfer-decoded bytes,
 * still in the part's own charset; these helpers turn them into bytes and text without ever throwing.
 */

/** base64 or base64url (padded or not) → bytes; characters outside the alphabet are skipped. */
export function decodeBase64Url(data: string): Uint8Array {
  const clean = data
    .replace(/[^A-Za-z0-9+/_-]/g, "")
    .replace(/-/g, "+")
    .replace(/_/g, "/");
  const usable = clean.length - (clean.length % 4 === 1 ? 1 : 0);
  const padded = clean.slice(0, usable) + "=".repeat((4 - (usable % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const utf8Lenient = new TextDecoder("utf-8");

/** Labels mail clients write that the WHATWG encoding list knows under another name. */
const ALIASES: Record<string, string> = {
  utf8: "utf-8",
  latin1: "windows-1252",
  "iso8859-1": "windows-1252",
  "us-ascii": "windows-1252",
  ascii: "windows-1252",
  "ansi_x3.4-1968": "windows-1252",
  cp1252: "windows-1252",
  "ks_c_5601-1987": "euc-kr",
  "unicode-1-1-utf-7": "utf-8",
};

function decoderFor(charset: string): TextDecoder | null {
  const label = charset
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, "");
  for (const candidate of [label, ALIASES[label]]) {
    if (candidate === undefined || candidate === "") continue;
    try {
      return new TextDecoder(candidate);
    } catch {
      // Unknown label in this runtime: try the next candidate.
    }
  }
  return null;
}

/**
 * Bytes in the declared charset → text. An unknown or missing charset falls back to UTF-8 when the bytes
 * are valid UTF-8, else to Windows-1252 (every byte maps to a character, so nothing is lost silently).
 */
export function decodeText(bytes: Uint8Array, charset: string | null): string {
  const decoder = charset === null ? null : decoderFor(charset);
  if (decoder !== null) return decoder.decode(bytes);
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return (decoderFor("windows-1252") ?? utf8Lenient).decode(bytes);
  }
}

/** The `name=value` parameter of a structured header (Content-Type charset, Content-Disposition filename). */
export function headerParameter(value: string, name: string): string | null {
  const match = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*("([^"]*)"|[^;\\s]+)`, "i").exec(value);
  if (match === null) return null;
  return (match[2] ?? match[1] ?? "").trim() || null;
}

/**
 * RFC 3676 format=flowed: a line ending in a space continues on the next one (with DelSp=yes that space
 * is an artefact and goes too). Mail clients show such text reflowed; so do we, as the BCC path does.
 */
export function unflowText(text: string, delSp: boolean): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let current: string | null = null;
  for (const rawLine of lines) {
    // A signature separator "-- " is never flowed.
    const line = rawLine === "-- " ? rawLine : rawLine.startsWith(" ") ? rawLine.slice(1) : rawLine;
    const flowed = line.endsWith(" ") && line !== "-- ";
    const piece = flowed && delSp ? line.slice(0, -1) : line;
    current = current === null ? piece : current + piece;
    if (!flowed) {
      out.push(current);
      current = null;
    }
  }
  if (current !== null) out.push(current);
  return out.join("\n");
}
