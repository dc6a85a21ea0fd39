import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { locationDb } from "../../src/db/database";
import { events } from "../../src/db/schema";

/** R29: the message ids of the location's message.updated events, oldest first (one entry per event). */
export async function updatedEvents(locationId: string): Promise<string[]> {
  const rows = await (await locationDb(env, locationId))
    .select({ data: events.dataJson })
    .from(events)
    .where(and(eq(events.locationId, locationId), eq(events.type, "message.updated")))
    .orderBy(events.createdAt, events.id)
    .all();
  return rows.map((r) => (JSON.parse(r.data) as { messageId: string }).messageId);
}
