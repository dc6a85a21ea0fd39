import { getContact, type ContactRow } from "../db/contacts";
import type { Database } from "../db/database";
import type { EventRow } from "../db/events";
import { getMessage, type MessageWithAttachments } from "../db/messages/read";
import type { EventRecords } from "./types";

/**
 * The API's own shapes of a message and a contact (API.md), supplied by the HTTP edge (index.ts wires
 * them), so that an event carries exactly what GET …/messages/{id} answers and the domain never imports it.
 */
export interface EventPresenters {
  message(row: MessageWithAttachments): { text: string | null; html: string | null } & Record<string, unknown>;
  contact(row: ContactRow): Record<string, unknown>;
}

/**
 * The delivered body of an event (API.md "Events"): `{"id","type","createdAt","locationId","data"}`. The
 * outbox keeps ids only; message and contact objects are read now, scoped by the event's location. A
 * message or contact removed since (R28) is not brought back from the log: its data is its ids only.
 */
export async function renderEvent(db: Database, event: EventRow, present: EventPresenters): Promise<string> {
  const data = await renderData(db, event, present);
  return JSON.stringify({
    id: event.id,
    type: event.type,
    createdAt: new Date(event.createdAt).toISOString(),
    locationId: event.locationId,
    data,
  });
}

async function renderData(db: Database, event: EventRow, present: EventPresenters): Promise<unknown> {
  const stored: unknown = JSON.parse(event.dataJson);
  switch (event.type) {
    case "message.created":
    case "message.updated": {
      const ids = stored as EventRecords["message.created"];
      const row = await getMessage(db, event.locationId, ids.messageId);
      if (!row)
        return {
          message: {
            id: ids.messageId,
            locationId: event.locationId,
            conversationId: ids.conversationId,
            contactId: ids.contactId,
          },
        };
      // Bodies never travel in events: the CRM reads them with GET …/messages/{id} if it wants them.
      const { text: _text, html: _html, ...message } = present.message(row);
      return { message };
    }
    case "contact.created": {
      const ids = stored as EventRecords["contact.created"];
      const row = await getContact(db, event.locationId, ids.contactId);
      return { contact: row ? present.contact(row) : { id: ids.contactId, locationId: event.locationId } };
    }
    default:
      return stored;
  }
}
