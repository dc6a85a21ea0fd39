import { isInInternalDomain, matchesNeverLog } from "../privacy/entries";
import { isSyncableLabels } from "./labels";
import type {
  Direction,
  RouteDecision,
  RoutingContact,
  RoutingInput,
  RoutingLocation,
  RoutingMessage,
  SkipReason,
} from "./routing-types";

export type * from "./routing-types";

/*
 * R2 compares Google's receive time with our clock at connect; a message received moments before the
 * watch started can still be added to the mailbox after it (filtering takes a while). Those are news, not
 * old mail moved into INBOX, so the start point is read with this much slack.
 */
export const START_POINT_GRACE_MS = 5 * 60 * 1000;

export interface RoutingResult {
  direction: Direction;
  /** One decision per location of the input, in input order. */
  decisions: RouteDecision[];
}

/**
 * Decides, for every location where the mailbox is actively connected, whether a Gmail message syncs
 * there and into which contact's conversation (R2, R7–R12), or which reason of docs/api.md's list keeps it out. Pure: the caller loads contacts, users and
 * bindings, and stores what is decided (creating the conversation and binding when `bindThread`).
 */
export function decideRoutes(input: RoutingInput): RoutingResult {
  const { message, ownerAddress, locations } = input;
  const direction: Direction = message.from?.email === ownerAddress ? "outbound" : "inbound";
  if (!isSyncableLabels(message.labelIds)) {
    return { direction, decisions: locations.map((l) => skip(l, direction, "ignored_label")) };
  }
  // R8: a thread bound anywhere goes to its bound conversation(s) only; this is also what keeps a
  // thread that R14 moved to one location from fanning out again to the others.
  const bound = locations.some((l) => l.activeBinding !== null);
  const decisions = locations.map((location): RouteDecision => {
    // R2 before any binding: an old message moved into INBOX later is never imported, whatever its thread.
    if (message.receivedAt < location.startPoint - START_POINT_GRACE_MS)
      return skip(location, direction, "before_connect");
    // R28: an un-logged thread never comes back here, whatever its binding elsewhere or its senders.
    if (location.threadUnlogged) return skip(location, direction, "unlogged_thread");
    if (bound) return routeBound(message, ownerAddress, location, direction);
    return direction === "inbound" ? routeInbound(message, location) : routeOutbound(message, ownerAddress, location);
  });
  return { direction, decisions };
}

/**
 * R11: the binding wins over senders and recipients; R7 still keeps internal mail out, and R27's choices
 * (never-log, bulk mail) still keep theirs out: privacy the user asked for outranks thread continuity.
 */
function routeBound(
  message: RoutingMessage,
  ownerAddress: string,
  location: RoutingLocation,
  direction: Direction,
): RouteDecision {
  const binding = location.activeBinding;
  if (binding === null) return skip(location, direction, "bound_elsewhere");
  if (direction === "inbound" && message.from !== null) {
    const refused = refuseInboundSender(message, message.from.email, location);
    if (refused !== null) return skip(location, direction, refused);
  }
  if (direction === "outbound") {
    const refused = refuseRecipients(externalRecipients(message, ownerAddress, location), location);
    if (refused !== null) return skip(location, direction, refused);
  }
  return {
    action: "sync",
    locationId: location.locationId,
    contactId: binding.contactId,
    conversationId: binding.conversationId,
    direction,
    bindThread: false,
    reason: "bound_thread",
  };
}

/** R7, R8, R9: only the sender can own an inbound message; Cc and Bcc never do. R27 can refuse the sender. */
function routeInbound(message: RoutingMessage, location: RoutingLocation): RouteDecision {
  if (message.from === null) return skip(location, "inbound", "not_a_contact");
  const refused = refuseInboundSender(message, message.from.email, location);
  if (refused !== null) return skip(location, "inbound", refused);
  const contact = location.contactsByEmail.get(message.from.email);
  if (contact === undefined) return skip(location, "inbound", "not_a_contact");
  if (!assignedToOwnerOrNobody(contact, location)) return skip(location, "inbound", "assigned_elsewhere");
  return bindTo(location, contact, "inbound", "sender_contact");
}

/** R10 (with R7): first recipient in To, then Cc, then Bcc that is a contact, no user, and passes R8's check. */
function routeOutbound(message: RoutingMessage, ownerAddress: string, location: RoutingLocation): RouteDecision {
  const external = externalRecipients(message, ownerAddress, location);
  const refused = refuseRecipients(external, location);
  if (refused !== null) return skip(location, "outbound", refused);
  // R27: a never-log recipient is skipped exactly like a user.
  const candidates = external.filter((email) => !matchesNeverLog(email, location.privacy.neverLog));
  let assignedElsewhere = false;
  for (const email of candidates) {
    const contact = location.contactsByEmail.get(email);
    if (contact === undefined) continue;
    if (assignedToOwnerOrNobody(contact, location)) return bindTo(location, contact, "outbound", "recipient_contact");
    assignedElsewhere = true;
  }
  return skip(location, "outbound", assignedElsewhere ? "assigned_elsewhere" : "no_contact_recipient");
}

/**
 * Why an inbound sender keeps the message out, if it does: a user of the location or an address of one of
 * its internal domains (R7, R27), a never-log entry (R27), bulk headers while the location skips them (R27).
 */
function refuseInboundSender(message: RoutingMessage, sender: string, location: RoutingLocation): SkipReason | null {
  if (isUser(sender, location)) return "internal";
  if (matchesNeverLog(sender, location.privacy.neverLog)) return "never_log";
  if (message.bulk && location.privacy.skipBulkMail) return "bulk_mail";
  return null;
}

/**
 * Why an outbound message's recipients keep it out, if they do: none outside the location's users (R7), or
 * every one outside them matches a never-log entry (R27: skipped like users, no candidate left).
 */
function refuseRecipients(external: readonly string[], location: RoutingLocation): SkipReason | null {
  if (external.length === 0) return "internal";
  if (external.every((email) => matchesNeverLog(email, location.privacy.neverLog))) return "never_log";
  return null;
}

/** R7 with R27: a user's address, a connected mailbox of one, or any address of an internal domain. */
function isUser(email: string, location: RoutingLocation): boolean {
  return location.userAddresses.has(email) || isInInternalDomain(email, location.privacy.internalDomains);
}

/** Recipients in R10 order, without the owner and the location's users (R7, R27), first occurrence kept. */
function externalRecipients(message: RoutingMessage, ownerAddress: string, location: RoutingLocation): string[] {
  const all = [...message.to, ...message.cc, ...message.bcc].map((a) => a.email);
  return [...new Set(all)].filter((email) => email !== ownerAddress && !isUser(email, location));
}

function assignedToOwnerOrNobody(contact: RoutingContact, location: RoutingLocation): boolean {
  return contact.assignedUserId === null || contact.assignedUserId === location.ownerUserId;
}

function bindTo(
  location: RoutingLocation,
  contact: RoutingContact,
  direction: Direction,
  reason: "sender_contact" | "recipient_contact",
): RouteDecision {
  return {
    action: "sync",
    locationId: location.locationId,
    contactId: contact.id,
    conversationId: null,
    direction,
    bindThread: true,
    reason,
  };
}

function skip(location: RoutingLocation, direction: Direction, reason: SkipReason): RouteDecision {
  return { action: "skip", locationId: location.locationId, direction, reason };
}
