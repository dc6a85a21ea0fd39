import { z } from "@hono/zod-openapi";
import { isValidEmail, normalizeEmail } from "../../mail/address";
import { decodeCursor } from "../cursor";

/** Location and user ids are the CRM's: 1–64 characters of A–Z a–z 0–9 _ -. */
export const CRM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const ID_ALPHABET = "must be 1–64 characters of A-Z a-z 0-9 _ -";
export const CrmId = z.string().regex(CRM_ID_PATTERN, ID_ALPHABET);
/** Our own ids (contacts, conversations, messages, attachments) follow the same alphabet. */
export const ServiceId = z.string().regex(CRM_ID_PATTERN, ID_ALPHABET);

export const EmailInput = z
  .string()
  .max(254)
  .transform(normalizeEmail)
  .refine(isValidEmail, "must be an email address")
  .openapi({ type: "string", format: "email" });

/** A display name: trimmed; empty means none. */
export const NameInput = z
  .string()
  .max(256)
  .transform((s) => (s.trim() === "" ? null : s.trim()))
  .nullable()
  .openapi({ type: ["string", "null"] });

export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-11-26T10:00:00.000Z" });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ type: "integer", minimum: 1, maximum: 200 }),
  cursor: z
    .string()
    .max(512)
    .transform((value, ctx) => {
      const cursor = decodeCursor(value);
      if (!cursor) ctx.addIssue({ code: "custom", message: "is not a cursor this service issued" });
      return cursor ?? { at: 0, id: "" };
    })
    .optional()
    .openapi({ type: "string", description: "opaque; the nextCursor of the previous page" }),
});

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "not_found" }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi("Error");

const ERROR_DESCRIPTIONS = {
  400: "invalid_request: the zod issues are in error.details",
  401: "unauthorized: missing, malformed, expired or badly signed token",
  403: "forbidden: the token may not act on this location",
  404: "not_found",
  409: "conflict, or a named conflict: mailbox_needs_reauth, mailbox_not_connected, message_deleted_in_gmail, …",
  413: "payload_too_large",
  415: "unsupported_media_type: the body's Content-Type is not one the route reads",
  422: "idempotency_key_reuse: the Idempotency-Key was used with another body",
  429: "daily_send_limit: see the Retry-After header and error.details.retryAt",
  502: "gmail_error: Gmail refused; error.details is {status, reason}",
} as const;

/** The error answers a route may give, each with the one error body of docs/api.md. */
export function errorResponses(...statuses: (keyof typeof ERROR_DESCRIPTIONS)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: ERROR_DESCRIPTIONS[status], content: { "application/json": { schema: ErrorBodySchema } } },
    ]),
  );
}

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const BEARER_AUTH = [{ bearerAuth: [] }];
