/*
 * Canonical base64 (RFC 4648: padded, no line breaks) as a send's request carries attachments. The Gmail
 * path never decodes it: a MIME attachment body is base64 too, so the client's text is only re-wrapped at
 * 76 columns (build-mime.ts). Sizes come from the length alone.
 */

/** RFC 2045's line length for base64 bodies. */
export const BASE64_LINE = 76;

/** Exact decoded size of canonical base64 (validated at the edge, schemas/send.ts), without decoding it. */
export function base64DecodedSize(b64: string): number {
  const padding = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return (b64.length / 4) * 3 - padding;
}

/** Length of `length` base64 characters wrapped at 76 columns with CRLF between lines (none after the last). */
export function wrappedBase64Length(length: number): number {
  return length === 0 ? 0 : length + 2 * (Math.ceil(length / BASE64_LINE) - 1);
}

/** Validated canonical base64 to bytes: for the location's provider and R2, which take bytes. */
export function decodeBase64(b64: string): Uint8Array {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
