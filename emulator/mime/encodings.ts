import { binaryToBytes, fromBase64, toBase64 } from "../util/base64";

/** Content-Transfer-Encoding decoders. Lenient like mail servers: broken input yields bytes, not errors. */
export function decodeTransfer(encoding: string, body: string): Uint8Array {
  switch (encoding.trim().toLowerCase()) {
    case "base64":
      return fromBase64(body.replace(/[^A-Za-z0-9+/=_-]/g, "").replace(/=+(?=[^=])/g, "")) ?? new Uint8Array();
    case "quoted-printable":
      return decodeQuotedPrintable(body);
    default:
      return binaryToBytes(body);
  }
}

export function decodeQuotedPrintable(body: string): Uint8Array {
  const unfolded = body.replace(/=\r?\n/g, "");
  const out: number[] = [];
  for (let i = 0; i < unfolded.length; i++) {
    const ch = unfolded.charCodeAt(i);
    if (ch === 0x3d && /^[0-9A-Fa-f]{2}$/.test(unfolded.slice(i + 1, i + 3))) {
      out.push(parseInt(unfolded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(ch & 0xff);
    }
  }
  return new Uint8Array(out);
}

/** Base64 wrapped at 76 columns, as RFC 2045 wants for bodies. */
export function encodeBase64Lines(bytes: Uint8Array): string {
  return (toBase64(bytes).match(/.{1,76}/g) ?? []).join("\r\n");
}

export function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** RFC 2047 B-encoding of a header phrase when it is not plain ASCII. */
export function encodeWord(text: string): string {
  if (isAscii(text)) return text;
  return `=?UTF-8?B?${toBase64(new TextEncoder().encode(text))}?=`;
}
