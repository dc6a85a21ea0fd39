/*
 * A stable identity for a logged message that has no Message-ID, so that a retried delivery is
 * recognised (R21, R22). Receiving servers prepend fresh trace and authentication headers on every
 * delivery attempt (Received, ARC-*, timestamps), so those are left out of the hash.
 */
import { sha256Hex } from "../util/sha256";

const TRACE_HEADERS = new Set([
  "received",
  "received-spf",
  "return-path",
  "delivered-to",
  "x-original-to",
  "authentication-results",
  "arc-authentication-results",
  "arc-message-signature",
  "arc-seal",
  "x-forwarded-to",
  "x-forwarded-for",
]);

/** `<bcc.{sha-256 hex}@{domain}>`: the synthetic Message-ID of a message that carries none. */
export async function syntheticMessageId(raw: Uint8Array, domain: string): Promise<string> {
  return `<bcc.${await sha256Hex(withoutTraceHeaders(raw))}@${domain}>`;
}

/** The raw message with its trace header fields (folded lines included) cut out; the body untouched. */
export function withoutTraceHeaders(raw: Uint8Array): Uint8Array {
  const end = headerEnd(raw);
  const head = bytesToLatin1(raw.subarray(0, end));
  const kept: string[] = [];
  let keep = true;
  for (const line of head.split(/(?<=\n)/)) {
    if (!/^[ \t]/.test(line))
      keep = !TRACE_HEADERS.has(
        line
          .slice(0, Math.max(0, line.indexOf(":")))
          .trim()
          .toLowerCase(),
      );
    if (keep) kept.push(line);
  }
  const keptHead = Uint8Array.from(kept.join(""), (c) => c.charCodeAt(0) & 0xff);
  const out = new Uint8Array(keptHead.byteLength + raw.byteLength - end);
  out.set(keptHead, 0);
  out.set(raw.subarray(end), keptHead.byteLength);
  return out;
}

/** Offset just past the blank line that ends the header block (the whole message if there is none). */
function headerEnd(raw: Uint8Array): number {
  for (let i = 0; i < raw.byteLength - 1; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return i + 2;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 3;
  }
  return raw.byteLength;
}

/** One char per byte, so that the header text maps back to the same bytes. */
function bytesToLatin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.byteLength; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}
