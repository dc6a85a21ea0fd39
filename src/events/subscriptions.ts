import type { Config } from "../config";
import type { Database } from "../db/database";
import { newId } from "../db/ids";
import {
  getWebhook,
  insertWebhookWithinLimit,
  MAX_WEBHOOKS_PER_LOCATION,
  rotateWebhookSecret,
  type WebhookRow,
} from "../db/webhooks";
import { AppError } from "../errors";
import { sealToken, type TokenKeys } from "../google/token-crypto";
import { checkEndpointUrl } from "./endpoint-url";
import { newWebhookSecret, secretBinding } from "./secret";
import type { EventType } from "./types";

/** API.md: after a rotation, deliveries carry signatures under both secrets for 24 hours. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export interface NewSubscription {
  url: string;
  events: readonly (EventType | "*")[];
  description: string | null;
}

const keysOf = (config: Config): TokenKeys => ({
  current: config.TOKEN_ENCRYPTION_KEY,
  previous: config.TOKEN_ENCRYPTION_KEY_PREVIOUS,
});

async function seal(config: Config, secret: string, locationId: string, webhookId: string): Promise<string> {
  return JSON.stringify(await sealToken(keysOf(config), secret, secretBinding(locationId, webhookId)));
}

/** Subscribes an endpoint; the secret is returned this once and kept sealed (like refresh tokens). */
export async function createSubscription(
  config: Config,
  db: Database,
  locationId: string,
  input: NewSubscription,
  now: number,
): Promise<{ webhook: WebhookRow; secret: string }> {
  const check = checkEndpointUrl(input.url, config.WEBHOOK_ALLOWED_HTTP_ORIGINS ?? []);
  if (!check.ok) {
    throw new AppError("invalid_request", `url ${check.error}.`, {
      issues: [{ path: ["url"], code: "invalid_endpoint_url", message: check.error }],
    });
  }
  const id = newId("wh");
  const secret = newWebhookSecret();
  const events = input.events.includes("*") ? ["*"] : [...new Set(input.events)];
  const webhook: WebhookRow = {
    id,
    locationId,
    url: check.value.url,
    eventsJson: JSON.stringify(events),
    description: input.description,
    status: "active",
    secretSealed: await seal(config, secret, locationId, id),
    previousSecretSealed: null,
    previousSecretUntil: null,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await insertWebhookWithinLimit(db, webhook))) {
    throw new AppError(
      "conflict",
      `A location has at most ${MAX_WEBHOOKS_PER_LOCATION} webhook endpoints; delete one first.`,
      {
        limit: MAX_WEBHOOKS_PER_LOCATION,
      },
    );
  }
  return { webhook, secret };
}

/** A new secret, shown once; the old one still signs for ROTATION_OVERLAP_MS. */
export async function rotateSubscriptionSecret(
  config: Config,
  db: Database,
  locationId: string,
  webhookId: string,
  now: number,
): Promise<{ webhook: WebhookRow; secret: string } | null> {
  const existing = await getWebhook(db, locationId, webhookId);
  if (!existing) return null;
  const secret = newWebhookSecret();
  const webhook = await rotateWebhookSecret(
    db,
    locationId,
    webhookId,
    {
      current: await seal(config, secret, locationId, webhookId),
      previous: existing.secretSealed,
      previousUntil: now + ROTATION_OVERLAP_MS,
    },
    now,
  );
  return webhook ? { webhook, secret } : null;
}
