import { createRoute, z } from "@hono/zod-openapi";
import { locationDb } from "../../db/database";
import { listDeliveries, replayDeliveries, type DeliveryRow } from "../../db/event-deliveries";
import { deleteWebhook, getWebhook, listWebhooks, type WebhookRow } from "../../db/webhooks";
import { AppError } from "../../errors";
import { relayEvents } from "../../events/relay";
import { EVENT_RETENTION_MS } from "../../events/retention";
import { createSubscription, rotateSubscriptionSecret } from "../../events/subscriptions";
import { toPage } from "../cursor";
import { JSON_BODY_LIMIT_BYTES, limitBody } from "../middleware/body-limit";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { LocationIdParam } from "../schemas/provisioning";
import {
  CreateWebhookBody,
  DeliveriesQuery,
  Delivery,
  EmptyBody,
  ReplayBody,
  Webhook,
  WebhookParams,
  WebhookWithSecret,
} from "../schemas/webhooks";

/** Mounted at /v1/locations/{locationId}/webhooks (R29). Secrets appear only in create and rotate answers. */
export const webhookSubscriptionRoutes = newRouter();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function presentWebhook(row: WebhookRow): z.infer<typeof Webhook> {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.eventsJson) as string[],
    description: row.description,
    status: row.status,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

function presentDelivery(row: DeliveryRow): z.infer<typeof Delivery> {
  return {
    eventId: row.eventId,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastAttemptAt: iso(row.lastAttemptAt),
    nextAttemptAt: row.status === "pending" ? iso(row.nextAttemptAt) : null,
  };
}

const notFound = (locationId: string, webhookId: string) =>
  new AppError("not_found", `Webhook ${webhookId} does not exist in location ${locationId}.`);

webhookSubscriptionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    summary: "Subscribe an endpoint to events (the secret is shown only in this answer)",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: LocationIdParam,
      body: { required: true, content: { "application/json": { schema: CreateWebhookBody } } },
    },
    responses: {
      201: jsonContent(z.object({ webhook: WebhookWithSecret }), "The endpoint, with its secret"),
      ...errorResponses(400, 401, 403, 404, 409, 413),
    },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = await locationDb(c.env, locationId);
    const { webhook, secret } = await createSubscription(
      c.get("config"),
      db,
      locationId,
      {
        url: body.url,
        events: body.events,
        description: body.description ?? null,
      },
      Date.now(),
    );
    return c.json({ webhook: { ...presentWebhook(webhook), secret } }, 201);
  },
);

webhookSubscriptionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "List the location's endpoints, oldest first (no secrets)",
    security: BEARER_AUTH,
    request: { params: LocationIdParam, query: DeliveriesQuery.pick({ limit: true, cursor: true }) },
    responses: {
      200: jsonContent(
        z.object({ webhooks: z.array(Webhook), nextCursor: z.string().nullable() }),
        "A page of endpoints",
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const { cursor, limit } = c.req.valid("query");
    const rows = await listWebhooks(await locationDb(c.env, locationId), locationId, {
      after: cursor,
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (row) => ({ at: row.createdAt, id: row.id }));
    return c.json({ webhooks: page.items.map(presentWebhook), nextCursor: page.nextCursor }, 200);
  },
);

webhookSubscriptionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{webhookId}",
    summary: "Read an endpoint (no secret)",
    security: BEARER_AUTH,
    request: { params: WebhookParams },
    responses: {
      200: jsonContent(z.object({ webhook: Webhook }), "The endpoint"),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId, webhookId } = c.req.valid("param");
    const row = await getWebhook(await locationDb(c.env, locationId), locationId, webhookId);
    if (!row) throw notFound(locationId, webhookId);
    return c.json({ webhook: presentWebhook(row) }, 200);
  },
);

webhookSubscriptionRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{webhookId}",
    summary: "Unsubscribe an endpoint; its pending deliveries are dropped",
    security: BEARER_AUTH,
    request: { params: WebhookParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId, webhookId } = c.req.valid("param");
    if (!(await deleteWebhook(await locationDb(c.env, locationId), locationId, webhookId)))
      throw notFound(locationId, webhookId);
    return c.body(null, 204);
  },
);

webhookSubscriptionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{webhookId}/rotate-secret",
    summary: "Replace the secret; the old one keeps signing for 24 hours",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: WebhookParams,
      body: { required: true, content: { "application/json": { schema: EmptyBody } } },
    },
    responses: {
      200: jsonContent(z.object({ webhook: WebhookWithSecret }), "The endpoint, with its new secret"),
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const { locationId, webhookId } = c.req.valid("param");
    const db = await locationDb(c.env, locationId);
    const rotated = await rotateSubscriptionSecret(c.get("config"), db, locationId, webhookId, Date.now());
    if (!rotated) throw notFound(locationId, webhookId);
    return c.json({ webhook: { ...presentWebhook(rotated.webhook), secret: rotated.secret } }, 200);
  },
);

webhookSubscriptionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{webhookId}/replay",
    summary: "Deliver again every event since a time within the last 7 days to this endpoint",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: WebhookParams,
      body: { required: true, content: { "application/json": { schema: ReplayBody } } },
    },
    responses: {
      202: jsonContent(z.object({ events: z.number().int() }), "How many events were queued again"),
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const { locationId, webhookId } = c.req.valid("param");
    const now = Date.now();
    const since = Date.parse(c.req.valid("json").since);
    if (since < now - EVENT_RETENTION_MS || since > now) {
      throw new AppError("invalid_request", "since must be a time within the last 7 days.", {
        issues: [{ path: ["since"], code: "out_of_range", message: "must be within the last 7 days" }],
      });
    }
    const db = await locationDb(c.env, locationId);
    if (!(await getWebhook(db, locationId, webhookId))) throw notFound(locationId, webhookId);
    const eventIds = await replayDeliveries(db, { locationId, webhookId }, since, now);
    await relayEvents(c.env, db, locationId, eventIds, now);
    return c.json({ events: eventIds.length }, 202);
  },
);

webhookSubscriptionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{webhookId}/deliveries",
    summary: "The endpoint's deliveries, oldest event first (optionally of one status)",
    security: BEARER_AUTH,
    request: { params: WebhookParams, query: DeliveriesQuery },
    responses: {
      200: jsonContent(
        z.object({ deliveries: z.array(Delivery), nextCursor: z.string().nullable() }),
        "A page of deliveries",
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId, webhookId } = c.req.valid("param");
    const { status, cursor, limit } = c.req.valid("query");
    const db = await locationDb(c.env, locationId);
    if (!(await getWebhook(db, locationId, webhookId))) throw notFound(locationId, webhookId);
    const rows = await listDeliveries(db, locationId, webhookId, { status, after: cursor, limit: limit + 1 });
    const page = toPage(rows, limit, (row) => ({ at: row.eventCreatedAt, id: row.eventId }));
    return c.json({ deliveries: page.items.map(presentDelivery), nextCursor: page.nextCursor }, 200);
  },
);
