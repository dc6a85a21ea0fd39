import { binaryToBytes, fromBase64 } from "../util/base64";
import { decodeQuotedPrintable } from "./encodings";

/** One header as it appears in the message: the name as written, the value unfolded but not decoded. */
export interface RawHeader {
  name: string;
  value: string;
}

/** Splits a header block (a binary string) into unfolded headers, keeping their order. */
export function parseHeaderBlock(block: string): RawHeader[] {
  const headers: RawHeader[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export function headerValue(headers: RawHeader[], name: string): string | null {
  const wanted = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === wanted)?.value ?? null;
}

function decodeCharset(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

/**
 * Turns a raw header value into text: 8-bit bytes read as UTF-8, RFC 2047 encoded words decoded.
 * Gmail's API shows header values decoded this way.
 */
export function decodeHeaderValue(raw: string): string {
  const text = decodeCharset(binaryToBytes(raw), "utf-8");
  return text
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, "$1")
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, enc: string, data: string) => {
      const bytes =
        enc.toUpperCase() === "B"
          ? (fromBase64(data) ?? new Uint8Array())
          : decodeQuotedPrintable(data.replace(/_/g, " "));
      return decodeCharset(bytes, charset);
    });
}

export interface ParsedParams {
  value: string;
  params: Record<string, string>;
}

/** Parses `type/subtype; a=b; c="d"` and RFC 2231 `name*=utf-8''x` / `name*0=` continuations. */
export function parseParams(raw: string): ParsedParams {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of raw) {
    if (ch === '"') quoted = !quoted;
    if (ch === ";" && !quoted) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  const [value = "", ...rest] = parts.map((p) => p.trim());
  const params: Record<string, string> = {};
  const extended: Record<string, string[]> = {};
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let val = part.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, "$1");
    const match = /^([^*]+)\*(\d+)?(\*)?$/.exec(key);
    if (match) {
      const name = match[1] ?? "";
      const list = extended[name] ?? [];
      extended[name] = list;
      list[Number(match[2] ?? 0)] = match[3] !== undefined || match[2] === undefined ? `\u0000${val}` : val;
    } else params[key] = val;
  }
  for (const [key, list] of Object.entries(extended)) params[key] = decode2231(list.filter((v) => v !== undefined));
  return { value: value.toLowerCase(), params };
}

function decode2231(pieces: string[]): string {
  let charset = "utf-8";
  const bytes: number[] = [];
  pieces.forEach((piece, index) => {
    let text = piece;
    const encoded = text.startsWith("\u0000");
    if (encoded) text = text.slice(1);
    if (encoded && index === 0) {
      const m = /^([^']*)'[^']*'(.*)$/.exec(text);
      if (m) {
        charset = m[1] || charset;
        text = m[2]!;
      }
    }
    const chunk = encoded
      ? text.replace(/%([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)))
      : text;
    for (const ch of chunk) bytes.push(ch.charCodeAt(0) & 0xff);
  });
  return decodeCharset(new Uint8Array(bytes), charset);
}

/** The message ids named in a References or In-Reply-To value, angle brackets included. */
export function parseMessageIds(value: string | null): string[] {
  if (!value) return [];
  return value.match(/<[^<>\s]+>/g) ?? [];
}
