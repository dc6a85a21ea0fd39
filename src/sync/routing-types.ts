import type { Address } from "../mail/message-facts";
import type { NeverLogList } from "../privacy/entries";
import type { SkipReason, SyncReason } from "./routing-reasons";

export type { SkipReason, SyncReason } from "./routing-reasons";

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
  /** Unix ms when Gmail received the message (its internalDate): R2 compares it with the start point. */
  receivedAt: number;
  /** R27: its headers mark it as bulk mail (mail/bulk-headers.ts). */
  bulk: boolean;
}

/** R27: what a location's privacy settings and the mailbox owner's own list say, ready for lookups. */
export interface RoutingPrivacy {
  /** The location's never-log entries and the mailbox owner's own, together. */
  neverLog: NeverLogList;
  /** Every address of these domains counts as a user of the location (R7, R10). */
  internalDomains: ReadonlySet<string>;
  skipBulkMail: boolean;
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
  /** R2: Unix ms of the mailbox's start point; a message Gmail received before it is never imported. */
  startPoint: number;
  privacy: RoutingPrivacy;
  /** R28: the message's thread was un-logged from this location. */
  threadUnlogged: boolean;
}

export interface RoutingInput {
  message: RoutingMessage;
  /** The mailbox address (normalized): From equal to it makes the message outbound. */
  ownerAddress: string;
  locations: readonly RoutingLocation[];
}

export type Direction = "inbound" | "outbound";

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
