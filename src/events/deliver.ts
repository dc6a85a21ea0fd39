import { loadConfig } from "../config";
import { locationDb, type Database } from "../db/database";
import { getDelivery, recordAttempt, type DeliveryRow } from "../db/event-deliveries";
import { getEvent } from "../db/events";
import { getWebhook, type WebhookRow } from "../db/webhooks";
import type { Env } from "../env";
import { openToken, type SealedToken, type TokenKeys } from "../google/token-crypto";
import { log } from "../log";
import { renderEvent, type EventPresenters } from "./render";
import { planAfterFailure } from "./retry-schedule";
import { secretBinding, signatureHeader } from "./secret";
import type { DeliveryJob } from "./types";

export type DeliveryOutcome = { kind: "done" } | { kind: "retry"; delaySeconds: number };

// Queues refuse a delay over 12 hours; a longer wait is reached in steps.
const MAX_QUEUE_DELAY_SECONDS = 43_200;
// The answer is ignored (API.md); reading a little lets the connection close cleanly, never more.
const MAX_ANSWER_BYTES = 4096;

/**
 * One attempt at one (event, endpoint) delivery: the consumer's whole job for one queue message. The
 * delivery row is the truth: a repeat message for a delivery already settled, or arriving before its time,
 * changes nothing. Every read is scoped by the job's location (R23).
 */
export async function deliverOnce(
  env: Env,
  job: DeliveryJob,
  now: number,
  present: EventPresenters,
): Promise<DeliveryOutcome> {
  const db: Database = await locationDb(env, job.locationId);
  const delivery = await getDelivery(db, job);
  if (delivery?.status !== "pending") return { kind: "done" };
  // A retry that arrives before its time (a repeat handed over by the sweep) waits; a first attempt never does.
  const early = delivery.attempts === 0 ? 0 : (delivery.nextAttemptAt ?? now) - now;
  if (early > 1000) return { kind: "retry", delaySeconds: Math.min(Math.ceil(early / 1000), MAX_QUEUE_DELAY_SECONDS) };
  const [event, webhook] = await Promise.all([
    getEvent(db, job.locationId, job.eventId),
    getWebhook(db, job.locationId, job.webhookId),
  ]);
  if (!event || !webhook) return { kind: "done" }; // purged or unsubscribed since: nothing left to deliver

  const statusCode = await post(env, webhook, event.id, await renderEvent(db, event, present), now);
  return settle(db, delivery, statusCode, now);
}

async function settle(
  db: Database,
  delivery: DeliveryRow,
  statusCode: number | null,
  now: number,
): Promise<DeliveryOutcome> {
  const attempts = delivery.attempts + 1;
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  const plan = ok ? null : planAfterFailure(attempts, now);
  const recorded = await recordAttempt(
    db,
    delivery,
    delivery.attempts,
    {
      status: ok ? "delivered" : plan?.kind === "retry" ? "pending" : "failed",
      statusCode,
      nextAttemptAt: plan?.kind === "retry" ? plan.nextAttemptAt : null,
    },
    now,
  );
  if (!ok)
    log.info("event_delivery_failed", {
      eventId: delivery.eventId,
      webhookId: delivery.webhookId,
      attempts,
      statusCode,
    });
  if (!recorded || plan === null || plan.kind === "failed") return { kind: "done" };
  return { kind: "retry", delaySeconds: plan.delaySeconds };
}

/** The POST itself: Standard Webhooks headers, a deadline, no redirects. Returns the status, or null for none. */
async function post(env: Env, webhook: WebhookRow, eventId: string, body: string, now: number): Promise<number | null> {
  const config = loadConfig(env);
  const secrets = await openSecrets(
    { current: config.TOKEN_ENCRYPTION_KEY, previous: config.TOKEN_ENCRYPTION_KEY_PREVIOUS },
    webhook,
    now,
  );
  if (secrets.length === 0) return null;
  const timestamp = Math.floor(now / 1000);
  try {
    const response = await fetch(webhook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": eventId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await signatureHeader(secrets, eventId, timestamp, body),
        "user-agent": "crm-gmail-sync-webhooks/1",
      },
      body,
      // A redirect could lead anywhere, a private address included: it counts as a failed attempt.
      redirect: "manual",
      signal: AbortSignal.timeout(config.WEBHOOK_TIMEOUT_MS),
    });
    await discardAnswer(response);
    return response.status;
  } catch (error) {
    log.info("event_delivery_no_answer", { eventId, webhookId: webhook.id, error: String(error) });
    return null;
  }
}

async function discardAnswer(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let read = 0;
  while (read < MAX_ANSWER_BYTES) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
  }
  await reader.cancel();
}

/** The current secret, and the one before it while the rotation's 24 hours last. */
async function openSecrets(keys: TokenKeys, webhook: WebhookRow, now: number): Promise<string[]> {
  const sealed = [webhook.secretSealed];
  if (webhook.previousSecretSealed && (webhook.previousSecretUntil ?? 0) > now)
    sealed.push(webhook.previousSecretSealed);
  const secrets: string[] = [];
  for (const json of sealed) {
    const opened = await openToken(
      keys,
      JSON.parse(json) as SealedToken,
      secretBinding(webhook.locationId, webhook.id),
    );
    if (opened.ok) secrets.push(opened.value.plaintext);
    else log.error("webhook_secret_unreadable", { webhookId: webhook.id, reason: opened.error });
  }
  return secrets;
}
