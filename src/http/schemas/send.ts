import { z } from "@hono/zod-openapi";
import { CrmId, EmailInput, ServiceId } from "./common";

/** The most attachments one send carries. */
export const MAX_ATTACHMENTS = 250;

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
  z
    .string()
    .max(max)
    .refine((s) => !HEADER_BREAKING.test(s), "must not contain line breaks or control characters");

export const SendAttachment = z.object({
  filename: headerText(255).pipe(z.string().min(1)),
  contentType: z
    .string()
    .regex(MIME_TYPE, "must be a MIME type such as application/pdf")
    .transform((s) => s.toLowerCase()),
  contentBase64: z
    .string()
    .refine((s) => s.length % 4 === 0 && BASE64.test(s), "must be base64 (RFC 4648, padded, no line breaks)")
    .openapi({ format: "byte" }),
});

const sendFields = {
  userId: CrmId,
  contactId: ServiceId,
  kind: z.enum(["individual", "bulk", "workflow"]).default("individual"),
  subject: headerText(998).default(""),
  text: z.string().optional(),
  html: z.string().optional(),
  cc: z.array(EmailInput).max(MAX_RECIPIENTS).default([]),
  bcc: z.array(EmailInput).max(MAX_RECIPIENTS).default([]),
  inReplyTo: ServiceId.optional().openapi({ description: "a CRM message id in the same conversation" }),
};

type SendFields = { text?: string | undefined; html?: string | undefined; cc: string[]; bcc: string[] };
const hasBody = (b: SendFields) => b.text !== undefined || b.html !== undefined;
const withinRecipients = (b: SendFields) => 1 + b.cc.length + b.bcc.length <= MAX_RECIPIENTS;
const RECIPIENTS_MESSAGE = {
  message: `at most ${MAX_RECIPIENTS} recipients in all (the contact, cc and bcc)`,
  path: ["cc"],
};

export const SendMessageBody = z
  .object({ ...sendFields, attachments: z.array(SendAttachment).max(MAX_ATTACHMENTS).default([]) })
  .refine(hasBody, { message: "text or html is required", path: ["text"] })
  .refine(withinRecipients, RECIPIENTS_MESSAGE)
  .openapi("SendMessageBody");

/** An attachment of the multipart form: its bytes are the file part named `part`, exactly `size` bytes. */
const FormAttachment = z.object({
  filename: SendAttachment.shape.filename,
  contentType: SendAttachment.shape.contentType,
  part: z.string().min(1).max(100).openapi({ description: "the name of the form's file part holding the bytes" }),
  size: z.number().int().min(0).openapi({ description: "the file part's exact length in bytes" }),
});

/** The `message` part of a multipart/form-data send: SendMessageBody with attachments named, not inlined. */
export const SendMessageForm = z
  .object({ ...sendFields, attachments: z.array(FormAttachment).max(MAX_ATTACHMENTS).default([]) })
  .refine(hasBody, { message: "text or html is required", path: ["text"] })
  .refine(withinRecipients, RECIPIENTS_MESSAGE)
  .refine((b) => new Set(b.attachments.map((a) => a.part)).size === b.attachments.length, {
    message: "each attachment names its own part",
    path: ["attachments"],
  })
  .openapi("SendMessageForm");

export type SendMessageForm = z.infer<typeof SendMessageForm>;

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
    .openapi({
      param: {
        name: "idempotency-key",
        in: "header",
        description: "Idempotency-Key: one send per key and body for 24 hours.",
      },
    }),
});
