import { createRoute, z } from "@hono/zod-openapi";
import { locationDb } from "../../db/database";
import { getEvent, listEvents } from "../../db/events";
import { AppError } from "../../errors";
import { renderEvent } from "../../events/render";
import { EVENT_RETENTION_MS } from "../../events/retention";
import type { PageAfter } from "../../db/conversations";
import { toPage } from "../cursor";
import { eventPresenters } from "../present";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { LocationIdParam } from "../schemas/provisioning";
import { Event, EventsQuery } from "../schemas/webhooks";

/** Mounted at /v1/locations/{locationId}/events (R29): the last 7 days, oldest first, as they are delivered. */
export const eventRoutes = newRouter();

eventRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Read back the location's events of the last 7 days, oldest first",
    security: BEARER_AUTH,
    request: { params: LocationIdParam, query: EventsQuery },
    responses: {
      200: jsonContent(z.object({ events: z.array(Event), nextCursor: z.string().nullable() }), "A page of events"),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const { type, after, cursor, limit } = c.req.valid("query");
    const db = await locationDb(c.env, locationId);
    const since = Date.now() - EVENT_RETENTION_MS;
    const start = cursor ?? (after === undefined ? undefined : await resolveAfter(db, locationId, after));
    const rows = await listEvents(db, locationId, { since, type, after: start, limit: limit + 1 });
    const page = toPage(rows, limit, (row) => ({ at: row.createdAt, id: row.id }));
    const events = await Promise.all(
      page.items.map(async (row) => JSON.parse(await renderEvent(db, row, eventPresenters)) as z.infer<typeof Event>),
    );
    return c.json({ events, nextCursor: page.nextCursor }, 200);
  },
);

/** `after`: an event id of this location (events after it), or a time (events strictly after it). */
async function resolveAfter(
  db: Awaited<ReturnType<typeof locationDb>>,
  locationId: string,
  after: string,
): Promise<PageAfter> {
  if (after.startsWith("evt_")) {
    const event = await getEvent(db, locationId, after);
    if (event) return { at: event.createdAt, id: event.id };
  } else if (!Number.isNaN(Date.parse(after)) && /^\d{4}-\d{2}-\d{2}T/.test(after)) {
    return { at: Date.parse(after), id: "\uffff" };
  }
  throw new AppError("invalid_request", "after must be an event id of this location or an ISO 8601 time.", {
    issues: [{ path: ["after"], code: "invalid_after", message: "must be an event id or an ISO 8601 time" }],
  });
}
