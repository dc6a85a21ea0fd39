import type { Address } from "../mail/message-facts";

/**
 * The data the routing rules (R7–R12) decide on. All addresses are normalized (see mail/address.ts).
 * The caller gathers it; routing.ts only reads it.
 */
export interface RoutingMessage {
  from: Address | null;
  /** In header order: R10 takes the first qualifying recipient of To, then Cc, then Bcc. */
  to: readonly Address[];
  cc: readonly Address[];
  bcc: readonly Address[];
  gmailThreadId: string;
  labelIds: readonly string[];
}

/** The first-created contact of an address in one location (R12); a ContactRow fits. */
export interface RoutingContact {
  id: string;
  /** null: unassigned. */
  assignedUserId: string | null;
}

/** The conversation a Gmail thread is bound to in one location (R11); ended bindings (R14) are not passed. */
export interface ActiveBinding {
  conversationId: string;
  /** The conversation's contact: every message routed through the binding belongs to it. */
  contactId: string;
}

/** One location where the mailbox is actively connected (R4, R5: inactive connections are not passed). */
export interface RoutingLocation {
  locationId: string;
  /** The CRM user who connected the mailbox there: R8's assignment check compares against it. */
  ownerUserId: string;
  /** R7: every user's CRM address and every connected mailbox address of the location's users. */
  userAddresses: ReadonlySet<string>;
  /** Normalized address → the first-created contact with that address (R12: db/contacts.ts orders by created, then id). */
  contactsByEmail: ReadonlyMap<string, RoutingContact>;
  activeBinding: ActiveBinding | null;
}

export interface RoutingInput {
  message: RoutingMessage;
  /** The mailbox address (normalized): From equal to it makes the message outbound. */
  ownerAddress: string;
  locations: readonly RoutingLocation[];
}

export type Direction = "inbound" | "outbound";

type SyncReason =
  /** R11: the thread is bound in this location. */
  | "bound_thread"
  /** R8/R9: inbound from a contact. */
  | "sender_contact"
  /** R10: outbound, first qualifying recipient. */
  | "recipient_contact";

export type SkipReason =
  /** Not in INBOX or SENT, or in SPAM, TRASH, DRAFT or CHAT. */
  | "label_not_synced"
  /** Inbound with no readable From and no binding. */
  | "no_sender"
  /** R7: inbound from a user of the location. */
  | "internal_sender"
  /** R7: outbound whose recipients are all users of the location (or none at all). */
  | "internal_recipients_only"
  /** R8: the sender is no contact in the location. */
  | "no_contact"
  /** R8/R10: the contact is assigned to another user than the mailbox owner. */
  | "assigned_to_other_user"
  /** R10: no recipient is a contact in the location. */
  | "no_recipient_contact"
  /** R8/R14: the thread is bound in another location only, so it does not fan out here. */
  | "thread_bound_elsewhere";

export type RouteDecision =
  | {
      action: "sync";
      locationId: string;
      contactId: string;
      /** Known when the thread is already bound here; otherwise the conversation of contactId (create if none). */
      conversationId: string | null;
      direction: Direction;
      /** True when the store must bind the thread to the conversation in this location (R8, R10). */
      bindThread: boolean;
      reason: SyncReason;
    }
  | { action: "skip"; locationId: string; direction: Direction; reason: SkipReason };
