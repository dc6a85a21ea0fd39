import { BASE64_LINE } from "./base64";
import { CRLF } from "./encode-header";

/**
 * Body encodings for outgoing parts. Both keep lines at most 76 characters and neither can produce a
 * line starting with "--=_" (QP encodes every "=", base64 has no "_"): the fixed multipart boundaries
 * of build-mime.ts can never collide with content.
 */

const encoder = new TextEncoder();
const QP_LINE = 75;

/** Quoted-printable (RFC 2045) of UTF-8 text; any line ending becomes a CRLF hard break. */
export function encodeQuotedPrintable(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, "\n")
    .split("\n")
    .map(encodeQpLine)
    .join(CRLF);
}

function encodeQpLine(line: string): string {
  const bytes = encoder.encode(line);
  let out = "";
  let current = "";
  bytes.forEach((byte, i) => {
    const last = i === bytes.length - 1;
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
    const token = literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    // A soft break "=" ends the line at 76 characters at most.
    if (current.length + token.length > QP_LINE) {
      out += `${current}=${CRLF}`;
      current = "";
    }
    current += token;
  });
  return out + current;
}

/** Unwrapped base64 wrapped at 76 characters per line (RFC 2045), CRLF between lines. */
export function wrapBase64(base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += BASE64_LINE) lines.push(base64.slice(i, i + BASE64_LINE));
  return lines.join(CRLF);
}
