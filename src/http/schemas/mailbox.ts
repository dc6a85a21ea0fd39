import { z } from "@hono/zod-openapi";
import { Timestamp } from "./common";
import { MemberParams } from "./provisioning";

export const MailboxParams = MemberParams;

export const ConnectBody = z
  .object({
    returnTo: z
      .string()
      .max(2048)
      .optional()
      .openapi({ format: "uri", description: "absolute URL whose origin is one of ALLOWED_RETURN_ORIGINS" }),
  })
  .openapi("ConnectMailboxBody");

export const ConnectAnswer = z.object({ authorizationUrl: z.string() }).openapi("ConnectMailboxAnswer");

export const MailboxView = z
  .object({
    status: z.enum(["not_connected", "active", "needs_reauth", "disconnected"]),
    emailAddress: z.string().nullable(),
    connectedAt: Timestamp.nullable(),
    lastSyncedAt: Timestamp.nullable(),
    watchExpiresAt: Timestamp.nullable(),
    sendQuota: z.object({
      limit: z.number().int(),
      used: z.number().int(),
      remaining: z.number().int(),
      nextAvailableAt: Timestamp.nullable(),
    }),
    parkedMessages: z.number().int(),
    /** Beyond docs/api.md: R3's renewal health, so a watch in trouble shows before it lapses. */
    watchRenewal: z.object({
      state: z.enum(["ok", "retrying", "failing", "expired"]),
      failures: z.number().int(),
      lastError: z.string().nullable(),
    }),
  })
  .openapi("Mailbox");
export type MailboxView = z.infer<typeof MailboxView>;

export const MailboxAnswer = z.object({ mailbox: MailboxView });

export const CallbackQuery = z.object({
  state: z.string().max(4096).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  iss: z.string().max(512).optional(),
});
