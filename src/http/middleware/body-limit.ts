import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { bodyTooLarge } from "../request-errors";

/** Every JSON body but a send's: provisioning and contact bodies are tiny, 1 MiB leaves room to spare. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Per-route body limit (a route config's `middleware`), so that the send route can allow its base64
 * attachments while every other route keeps the small limit. Over it: 413 `payload_too_large`.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw bodyTooLarge(maxBytes);
    },
  });
}
