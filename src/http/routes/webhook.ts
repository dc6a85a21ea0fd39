import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { directoryDb } from "../../db/database";
import { getMailboxRow } from "../../db/mailboxes/directory";
import { countIgnoredPush, type IgnoredPushReason } from "../../db/webhook-ignored";
import { AppError } from "../../errors";
import { verifyPushToken, bearerToken } from "../../google/push-token";
import { log } from "../../log";
import { normalizeEmail } from "../../mail/address";
import { parsePushBody } from "../../sync/push-notification";
import { readCappedBody } from "../read-capped-body";
import { newRouter } from "../router";
import { ErrorBodySchema } from "../schemas/common";
import type { AppEnv } from "../context";

/** Pub/Sub push bodies are a few hundred bytes; 64 KiB is docs/api.md's cap. */
export const PUSH_BODY_LIMIT_BYTES = 64 * 1024;

/** Mounted at /webhooks: Gmail's Pub/Sub pushes (docs/api.md "Gmail push"). */
export const webhookRoutes = newRouter();

const errorAnswer = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBodySchema } },
});

// The body is read by hand, after the token check and under a byte cap: no zod validator reads it first.
const pushRoute = createRoute({
  method: "post",
  path: "/gmail",
  summary: "Cloud Pub/Sub push of a Gmail change",
  description:
    "Authorization: Bearer <Google-signed OIDC token> (iss accounts.google.com, aud PUBSUB_AUDIENCE, email " +
    "PUBSUB_SERVICE_ACCOUNT). Body {message:{data: base64 of {emailAddress, historyId}, messageId}, subscription}.",
  responses: {
    204: { description: "Recorded with the mailbox (or ignored: malformed body, unknown or disconnected mailbox)" },
    401: errorAnswer("invalid_push_token"),
    413: errorAnswer("payload_too_large: bodies over 64 KiB"),
  },
});

webhookRoutes.openapi(pushRoute, async (c) => {
  const config = c.get("config");
  // The token first: nothing of an unauthenticated request is read, parsed or logged.
  const check = await verifyPushToken(config, bearerToken(c.req.header("authorization")), Date.now());
  if (!check.ok) throw new AppError("invalid_push_token", "The push token is missing or invalid.");

  const parsed = parsePushBody(await readCappedBody(c.req.raw, PUSH_BODY_LIMIT_BYTES));
  // Any status but 2xx makes Pub/Sub redeliver for days: a push we cannot use is counted and dropped.
  if (!parsed.ok) {
    countIgnored(c, parsed.error, null);
    return c.body(null, 204);
  }
  const { emailAddress, historyId } = parsed.value;
  // An address the directory has never seen gets no Durable Object: naming one would create it, storage and all.
  if (!(await getMailboxRow(directoryDb(c.env), normalizeEmail(emailAddress)))) {
    countIgnored(c, "unknown_mailbox", emailAddress);
    return c.body(null, 204);
  }
  const outcome = await c.env.MAILBOX.getByName(emailAddress).notify(historyId);
  if (!outcome.ok) countIgnored(c, outcome.error, emailAddress);
  return c.body(null, 204);
});

/**
 * Logs an ignored push (never its token) and counts it in D1 (GET /v1/admin/webhook-stats) after the
 * answer: the count must not slow Pub/Sub's 204, and a lost count must not turn it into a redelivery.
 */
function countIgnored(c: Context<AppEnv>, reason: IgnoredPushReason, mailbox: string | null): void {
  log.warn("push_ignored", { reason, ...(mailbox ? { mailbox } : {}) });
  c.executionCtx.waitUntil(
    countIgnoredPush(directoryDb(c.env), reason, Date.now()).catch((error: unknown) =>
      log.warn("push_ignored_count_failed", { reason, error }),
    ),
  );
}
