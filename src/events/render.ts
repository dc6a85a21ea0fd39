import { getContact } from "../db/contacts";
import type { Database } from "../db/database";
import type { EventRow } from "../db/events";
import { getMessage } from "../db/messages";
import { presentContact, presentMessage } from "../http/present";
import type { EventRecords } from "./types";

/**
 * The delivered body of an event (API.md "Events"): `{"id","type","createdAt","locationId","data"}`. The
 * outbox keeps ids only; message and contact objects are read now, scoped by the event's location. A
 * message or contact removed since (R28) is not brought back from the log: its data is its ids only.
 */
export async function renderEvent(db: Database, event: EventRow): Promise<string> {
  const data = await renderData(db, event);
  return JSON.stringify({
    id: event.id,
    type: event.type,
    createdAt: new Date(event.createdAt).toISOString(),
    locationId: event.locationId,
    data,
  });
}

async function renderData(db: Database, event: EventRow): Promise<unknown> {
  const stored: unknown = JSON.parse(event.dataJson);
  switch (event.type) {
    case "message.created":
    case "message.updated": {
      const ids = stored as EventRecords["message.created"];
      const row = await getMessage(db, event.locationId, ids.messageId);
      if (!row) return { message: { id: ids.messageId, locationId: event.locationId, conversationId: ids.conversationId, contactId: ids.contactId } };
      // Bodies never travel in events: the CRM reads them with GET …/messages/{id} if it wants them.
      const { text: _text, html: _html, ...message } = presentMessage(row);
      return { message };
    }
    case "contact.created": {
      const ids = stored as EventRecords["contact.created"];
      const row = await getContact(db, event.locationId, ids.contactId);
      return { contact: row ? presentContact(row) : { id: ids.contactId, locationId: event.locationId } };
    }
    default:
      return stored;
  }
}
