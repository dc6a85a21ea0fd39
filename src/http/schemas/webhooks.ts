import { z } from "@hono/zod-openapi";
import { EVENT_TYPES } from "../../events/types";
import { PageQuery, ServiceId, Timestamp } from "./common";
import { LocationIdParam } from "./provisioning";

export const EventTypeSchema = z.enum(EVENT_TYPES);

export const WebhookParams = LocationIdParam.extend({
  webhookId: ServiceId.openapi({ param: { name: "webhookId", in: "path" } }),
});

export const CreateWebhookBody = z
  .object({
    url: z.string().min(1).max(2048).openapi({ format: "uri", example: "https://crm.example/hooks/gmail" }),
    events: z
      .array(z.union([EventTypeSchema, z.literal("*")]))
      .min(1)
      .max(EVENT_TYPES.length + 1),
    description: z.string().trim().max(256).nullable().optional(),
  })
  .openapi("CreateWebhookBody");

export const EmptyBody = z.object({}).openapi("EmptyBody");

export const ReplayBody = z
  .object({
    since: z.iso.datetime({ offset: true }).openapi({ format: "date-time", description: "within the last 7 days" }),
  })
  .openapi("ReplayBody");

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(["active"]),
    createdAt: Timestamp,
  })
  .openapi("Webhook");

export const WebhookWithSecret = Webhook.extend({
  secret: z.string().openapi({ description: "whsec_ + base64; shown only now" }),
}).openapi("WebhookWithSecret");

export const DeliveriesQuery = PageQuery.extend({ status: z.enum(["pending", "delivered", "failed"]).optional() });

export const Delivery = z
  .object({
    eventId: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastAttemptAt: Timestamp.nullable(),
    nextAttemptAt: Timestamp.nullable(),
  })
  .openapi("Delivery");

export const EventsQuery = PageQuery.extend({
  type: EventTypeSchema.optional(),
  after: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "an event id (evt_…) or an ISO 8601 time: only events after it" }),
});

export const Event = z
  .object({
    id: z.string(),
    type: EventTypeSchema,
    createdAt: Timestamp,
    locationId: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("Event");
