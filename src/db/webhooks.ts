import { and, asc, eq, gt, or } from "drizzle-orm";
import type { PageAfter } from "./conversations";
import type { Database } from "./database";
import { eventDeliveries, webhooks } from "./schema";

export type WebhookRow = typeof webhooks.$inferSelect;

/** API.md: at most 20 endpoints per location. */
export const MAX_WEBHOOKS_PER_LOCATION = 20;

/**
 * Inserts the endpoint only while the location has fewer than MAX_WEBHOOKS_PER_LOCATION: the check and
 * the insert are one statement, so two concurrent creations cannot both pass it. False when full.
 */
export async function insertWebhookWithinLimit(db: Database, row: WebhookRow): Promise<boolean> {
  const result = await db.$client
    .prepare(
      `INSERT INTO webhooks (id, location_id, url, events_json, description, status, secret_sealed,
        previous_secret_sealed, previous_secret_until, created_at, updated_at)
      SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL, ?8, ?8
      WHERE (SELECT count(*) FROM webhooks WHERE location_id = ?2) < ?9`,
    )
    .bind(
      row.id,
      row.locationId,
      row.url,
      row.eventsJson,
      row.description,
      row.status,
      row.secretSealed,
      row.createdAt,
      MAX_WEBHOOKS_PER_LOCATION,
    )
    .run();
  return result.meta.changes === 1;
}

export async function getWebhook(db: Database, locationId: string, webhookId: string): Promise<WebhookRow | undefined> {
  return db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.locationId, locationId), eq(webhooks.id, webhookId)))
    .get();
}

/** Oldest first; `after` continues a previous page. */
export async function listWebhooks(
  db: Database,
  locationId: string,
  options: { after?: PageAfter | undefined; limit: number },
): Promise<WebhookRow[]> {
  const after = options.after;
  return db
    .select()
    .from(webhooks)
    .where(
      and(
        eq(webhooks.locationId, locationId),
        after
          ? or(gt(webhooks.createdAt, after.at), and(eq(webhooks.createdAt, after.at), gt(webhooks.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id))
    .limit(options.limit)
    .all();
}

/** The endpoint and its deliveries go together; a queued attempt for it then finds nothing and is dropped. */
export async function deleteWebhook(db: Database, locationId: string, webhookId: string): Promise<boolean> {
  const [removed] = await db.batch([
    db
      .delete(webhooks)
      .where(and(eq(webhooks.locationId, locationId), eq(webhooks.id, webhookId)))
      .returning(),
    db
      .delete(eventDeliveries)
      .where(and(eq(eventDeliveries.locationId, locationId), eq(eventDeliveries.webhookId, webhookId))),
  ]);
  return removed.length > 0;
}

/** A new secret; the one it replaces keeps signing until `previousUntil` (API.md: 24 hours). */
export async function rotateWebhookSecret(
  db: Database,
  locationId: string,
  webhookId: string,
  sealed: { current: string; previous: string; previousUntil: number },
  now: number,
): Promise<WebhookRow | undefined> {
  return db
    .update(webhooks)
    .set({
      secretSealed: sealed.current,
      previousSecretSealed: sealed.previous,
      previousSecretUntil: sealed.previousUntil,
      updatedAt: now,
    })
    .where(and(eq(webhooks.locationId, locationId), eq(webhooks.id, webhookId)))
    .returning()
    .get();
}
