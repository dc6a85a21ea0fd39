import type { Address } from "./message-facts";

/**
 * Header encoding for outgoing mail (RFC 5322 folding, RFC 2047 encoded words, RFC 2231 parameters).
 * Inputs must already be validated (validate-outgoing.ts): no CR, LF or other controls reach here.
 * Every output line stays within 78 characters where a word allows it, always within 998.
 */

export const CRLF = "\r\n";
const FOLD_AT = 78;
/**
 * "=?UTF-8?B?" + "?=" is 12 characters; 42 bytes → 56 base64 characters → 68 per encoded word: under
 * RFC 2047's 75, and short enough that `Subject: ` or ` name="` plus one word stays within 78.
 */
const BYTES_PER_WORD = 42;

const encoder = new TextEncoder();

/** Printable ASCII and space only: safe to write as-is into an unstructured header. */
function isPlainAscii(value: string): boolean {
  return /^[\x20-\x7E]*$/.test(value) && !value.includes("=?");
}

/** Base64 of a byte array, no wrapping. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * RFC 2047 B encoded words of UTF-8 text, each at most 75 characters. Splits between code points, never
 * inside a UTF-8 sequence, so every word decodes on its own.
 */
export function encodeWords(value: string): string[] {
  const words: string[] = [];
  let chunk: number[] = [];
  const flush = () => {
    if (chunk.length > 0) words.push(`=?UTF-8?B?${toBase64(Uint8Array.from(chunk))}?=`);
    chunk = [];
  };
  for (const char of value) {
    const bytes = encoder.encode(char);
    if (chunk.length + bytes.length > BYTES_PER_WORD) flush();
    chunk.push(...bytes);
  }
  flush();
  return words.length > 0 ? words : ["=?UTF-8?B??="];
}

/**
 * An unstructured header line (Subject): plain ASCII folded at spaces, anything else (non-ASCII, text
 * that looks like an encoded word, a word too long to fold) as encoded words, one per line.
 */
export function unstructuredHeader(name: string, value: string): string {
  if (isPlainAscii(value)) {
    const folded = foldAtSpaces(`${name}: ${value}`);
    if (folded.split(CRLF).every((line) => line.length <= 998)) return folded;
  }
  return `${name}: ${encodeWords(value).join(`${CRLF} `)}`;
}

/** Folds by inserting CRLF before a space (so unfolding restores the text), never making a blank line. */
function foldAtSpaces(line: string): string {
  if (line.length <= FOLD_AT) return line;
  const words = line.split(" ");
  const lines: string[] = [];
  let current = words[0] ?? "";
  for (const word of words.slice(1)) {
    if (word !== "" && current.trim() !== "" && current.length + 1 + word.length > FOLD_AT) {
      lines.push(current);
      current = ` ${word}`;
    } else {
      current += ` ${word}`;
    }
  }
  lines.push(current);
  return lines.join(CRLF);
}

const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

/** A display name as a phrase: atoms as-is, other ASCII quoted, non-ASCII as encoded words. */
function displayName(name: string): string {
  if (ATOM_PHRASE.test(name) && !name.includes("=?") && name.trim() === name) return name;
  if (isPlainAscii(name)) return `"${name.replace(/[\\"]/g, "\\$&")}"`;
  return encodeWords(name).join(`${CRLF} `);
}

/** One mailbox: `Name <email>`, or the bare address when there is no name. */
export function formatAddress(address: Address): string {
  if (address.name === null || address.name.trim() === "") return address.email;
  return `${displayName(address.name)} <${address.email}>`;
}

/** An address header (From, To, Cc, Bcc) with one mailbox per line once it grows long. */
export function addressHeader(name: string, addresses: readonly Address[]): string {
  const formatted = addresses.map(formatAddress);
  const single = `${name}: ${formatted.join(", ")}`;
  if (single.length <= FOLD_AT && !single.includes(CRLF)) return single;
  return `${name}: ${formatted.join(`,${CRLF} `)}`;
}

/** A list of msg-ids (References), one per line. */
export function messageIdListHeader(name: string, ids: readonly string[]): string {
  return `${name}: ${ids.join(`${CRLF} `)}`;
}

// RFC 2231 attribute-char: what may stand unencoded in an extended parameter value.
const ATTRIBUTE_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;
const PERCENT_CHUNK = 54;

/**
 * A filename parameter pair for Content-Disposition (RFC 2231 `filename*`, split into continuations)
 * and Content-Type (`name=`, RFC 2047 words inside quotes: wrong by the RFCs, but what old clients read).
 * Returns [dispositionParam, typeParam], each possibly folded over several lines.
 */
export function filenameParams(filename: string): [string, string] {
  if (isPlainAscii(filename) && filename.length <= 200) {
    const quoted = `"${filename.replace(/[\\"]/g, "\\$&")}"`;
    return [`filename=${quoted}`, `name=${quoted}`];
  }
  let encoded = "";
  for (const byte of encoder.encode(filename)) {
    const char = String.fromCharCode(byte);
    encoded += byte < 0x80 && ATTRIBUTE_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  const sections: string[] = [];
  let rest = encoded;
  while (rest.length > 0) {
    let cut = Math.min(PERCENT_CHUNK, rest.length);
    // Never split a %XX triple between two sections.
    const pct = rest.lastIndexOf("%", cut - 1);
    if (cut < rest.length && pct > cut - 3) cut = pct;
    sections.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  const disposition =
    sections.length === 1
      ? `filename*=UTF-8''${sections[0]}`
      : sections.map((s, i) => `filename*${i}*=${i === 0 ? "UTF-8''" : ""}${s}`).join(`;${CRLF} `);
  return [disposition, `name="${encodeWords(filename).join(`${CRLF} `)}"`];
}

/** RFC 5322 date-time in UTC: "Thu, 26 Nov 2026 18:00:00 +0000". */
export function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}
