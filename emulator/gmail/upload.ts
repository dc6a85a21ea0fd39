import type { gmail_v1 } from "@googleapis/gmail";
import { headerValue } from "../mime/headers";
import { parseMime } from "../mime/parse";
import { binaryToBytes, bytesToBinary } from "../util/base64";
import { errors, googleError } from "./errors";

export type Upload =
  | { ok: true; raw: Uint8Array; metadata: gmail_v1.Schema$Message }
  | { ok: false; response: Response };

const tooLarge = (max: number) =>
  googleError(413, "uploadTooLarge", `Media upload too large: the limit is ${max} bytes.`);

/** Media must be message/* (the discovery document's `accept` for messages.send). */
function acceptsMedia(type: string | null): boolean {
  return type !== null && /^message\/[^\s;]+/i.test(type.trim());
}

/**
 * Google's simple upload protocol: `uploadType=media` (the body is the message) or `uploadType=multipart`
 * (multipart/related: JSON metadata, then the message). The 35 MiB cap is on the media.
 */
export async function readUpload(request: Request, maxSize: number): Promise<Upload> {
  const url = new URL(request.url);
  const uploadType = url.searchParams.get("uploadType");
  const contentType = request.headers.get("content-type");
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > maxSize + 65536) return { ok: false, response: tooLarge(maxSize) };
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (uploadType === "media") {
    if (!acceptsMedia(contentType))
      return {
        ok: false,
        response: errors.badRequest(
          `Media type '${contentType ?? ""}' is not supported. Valid media types: [message/*]`,
        ),
      };
    if (bytes.length > maxSize) return { ok: false, response: tooLarge(maxSize) };
    return { ok: true, raw: bytes, metadata: {} };
  }
  if (uploadType === "multipart") {
    if (!contentType || !/^multipart\/related/i.test(contentType))
      return { ok: false, response: errors.badRequest("Invalid multipart request with 0 mime parts.") };
    const envelope = parseMime(binaryToBytes(`Content-Type: ${contentType}\r\n\r\n${bytesToBinary(bytes)}`));
    const [meta, media] = envelope.parts;
    if (!meta || !media || envelope.parts.length !== 2) {
      return {
        ok: false,
        response: errors.badRequest(`Invalid multipart request with ${envelope.parts.length} mime parts.`),
      };
    }
    let metadata: gmail_v1.Schema$Message;
    try {
      metadata = JSON.parse(new TextDecoder().decode(meta.body)) as gmail_v1.Schema$Message;
    } catch {
      return { ok: false, response: errors.badRequest("Invalid JSON payload received in the metadata part.") };
    }
    if (!acceptsMedia(headerValue(media.headers, "content-type"))) {
      return {
        ok: false,
        response: errors.badRequest(
          `Media type '${headerValue(media.headers, "content-type") ?? ""}' is not supported. Valid media types: [message/*]`,
        ),
      };
    }
    if (media.body.length > maxSize) return { ok: false, response: tooLarge(maxSize) };
    return { ok: true, raw: media.body, metadata };
  }
  return {
    ok: false,
    response: errors.badRequest(
      uploadType
        ? `Invalid uploadType: ${uploadType}`
        : "Upload requests must include an uploadType URL parameter and a URL-encoded media type.",
    ),
  };
}
