import { z } from "zod";
import { normalizeEmail } from "../mail/address";
import { decodeBase64Url } from "./gmail-body";
import { err, ok, type Result } from "../util/result";

/** A Pub/Sub push envelope (docs/api.md "Gmail push"); unknown fields are allowed and ignored. */
export const PushEnvelope = z.object({
  message: z.object({ data: z.string().min(1).max(16_384), messageId: z.string().optional() }),
  subscription: z.string().optional(),
});

/** Gmail's notification inside `message.data`: the address may come in any case, the id as string or number. */
export const GmailNotification = z.object({
  emailAddress: z.string().trim().min(3).max(320).transform(normalizeEmail),
  historyId: z.union([
    z.string().regex(/^\d{1,20}$/),
    z
      .number()
      .int()
      .nonnegative()
      .transform((n) => String(n)),
  ]),
});
export type GmailNotification = z.infer<typeof GmailNotification>;

export type ParsedPush = Result<GmailNotification, "bad_envelope" | "bad_data" | "bad_notification">;

/** Pure: the raw body text of a push → the Gmail notification it carries, or why it carries none. */
export function parsePushBody(body: string): ParsedPush {
  const envelope = PushEnvelope.safeParse(safeJson(body));
  if (!envelope.success) return err("bad_envelope");
  let inner: unknown;
  try {
    // `data` may be base64 or base64url, padded or not.
    inner = safeJson(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(decodeBase64Url(envelope.data.message.data)),
    );
  } catch {
    return err("bad_data");
  }
  const notification = GmailNotification.safeParse(inner);
  if (!notification.success) return err("bad_notification");
  return ok(notification.data);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
