/**
 * Headers for serving a stored attachment. Pure. The filename and type come from email senders, so they
 * are treated as hostile: nothing from them may break out of the header or make the browser render it.
 */

/** `Content-Disposition: attachment` with an ASCII fallback and the exact name as RFC 5987 UTF-8. */
export function attachmentDisposition(filename: string): string {
  const cleaned = filename.replace(/[\u0000-\u001f\u007f]/g, "").trim() || "attachment";
  const fallback = cleaned.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%]/g, "_");
  // encodeURIComponent leaves ' ( ) * unescaped; RFC 5987's attr-char does not allow them.
  const encoded = encodeURIComponent(cleaned).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** The stored type when it is a plain `type/subtype`; anything else is served as opaque bytes. */
export function safeContentType(contentType: string): string {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return MEDIA_TYPE.test(type) ? type : "application/octet-stream";
}
