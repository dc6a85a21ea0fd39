import { z } from "@hono/zod-openapi";
import { CrmId, EmailInput, ServiceId } from "./common";

/** Gmail's API takes at most 100 recipients per message (To, Cc and Bcc together). */
export const MAX_RECIPIENTS = 100;

// Canonical base64 as JSON carries it: no line breaks, padding only at the end. Checked without
// backtracking, so a 35 MB value costs one linear scan.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// A bare `type/subtype` of RFC 2045 tokens: no parameters, so nothing can ride along into the header.
const MIME_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
// CR, LF, NUL, other C0 controls, DEL and the Unicode line/paragraph separators: none belongs in a header.
const HEADER_BREAKING = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

const headerText = (max: number) =>
  z.string().max(max).refine((s) => !HEADER_BREAKING.test(s), "must not contain line breaks or control characters");

export const SendAttachment = z.object({
  filename: headerText(255).pipe(z.string().min(1)),
  contentType: z.string().regex(MIME_TYPE, "must be a MIME type such as application/pdf").transform((s) => s.toLowerCase()),
  contentBase64: z
    .string()
    .refine((s) => s.length % 4 === 0 && BASE64.test(s), "must be base64 (RFC 4648, padded, no line breaks)")
    .openapi({ format: "byte" }),
});

export const SendMessageBody = z
  .object({
    userId: CrmId,
    contactId: ServiceId,
    kind: z.enum(["individual", "bulk", "workflow"]).default("individual"),
    subject: headerText(998).default(""),
    text: z.string().optional(),
    html: z.string().optional(),
    cc: z.array(EmailInput).max(MAX_RECIPIENTS).default([]),
    bcc: z.array(EmailInput).max(MAX_RECIPIENTS).default([]),
    inReplyTo: ServiceId.optional().openapi({ description: "a CRM message id in the same conversation" }),
    attachments: z.array(SendAttachment).max(250).default([]),
  })
  .refine((b) => b.text !== undefined || b.html !== undefined, { message: "text or html is required", path: ["text"] })
  .refine((b) => 1 + b.cc.length + b.bcc.length <= MAX_RECIPIENTS, {
    message: `at most ${MAX_RECIPIENTS} recipients in all (the contact, cc and bcc)`,
    path: ["cc"],
  })
  .openapi("SendMessageBody");

export type SendMessageBody = z.infer<typeof SendMessageBody>;

/** Exact decoded size of canonical base64 (validated above), without decoding it. */
export { base64DecodedSize } from "../../mail/base64";

export const IdempotencyKeyHeader = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x20-\x7e]+$/, "must be printable ASCII")
    .optional()
    // Hono's header validator sees lower-cased names; HTTP header names are case-insensitive anyway.
    .openapi({ param: { name: "idempotency-key", in: "header", description: "Idempotency-Key: one send per key and body for 24 hours." } }),
});
