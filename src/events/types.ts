/** R29's event types (docs/api.md "Events"). */
export const EVENT_TYPES = [
  "message.created",
  "message.updated",
  "message.deleted",
  "mailbox.status_changed",
  "mailbox.sync_degraded",
  "contact.created",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export type MessageEventType = "message.created" | "message.updated";

/**
 * What the outbox keeps for each type: ids and small facts, never a subject, an address of a contact or
 * a body. The delivered `data` (docs/api.md) is rendered from these when the event is sent (render.ts), so a
 * message removed by R28 meanwhile is not resurrected from the event log.
 */
export interface EventRecords {
  "message.created": { messageId: string; conversationId: string; contactId: string };
  "message.updated": { messageId: string; conversationId: string; contactId: string };
  "message.deleted": { conversationId: string; messageIds: string[]; reason: "unlog" | "purge" | "erasure" };
  "mailbox.status_changed": {
    userId: string;
    emailAddress: string;
    status: "active" | "needs_reauth" | "disconnected";
    reason: string | null;
  };
  "mailbox.sync_degraded": {
    userId: string;
    emailAddress: string;
    problem: "watch_renewal_failing" | "message_parked";
    details: Record<string, string | number | boolean | null>;
  };
  "contact.created": { contactId: string };
}

/** One queue message: one attempt at one (event, endpoint) delivery. */
export interface DeliveryJob {
  locationId: string;
  eventId: string;
  webhookId: string;
}
