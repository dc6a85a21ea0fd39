import type { GmailMessage } from "./gmail-message";
import { decideRoutes } from "./routing";
import type { ActiveBinding, RouteDecision, RoutingContact, RoutingPrivacy } from "./routing-types";

/** What one location knows for routing a chunk of messages (loaded once per chunk). */
export interface LocationRoutingData {
  locationId: string;
  ownerUserId: string;
  userAddresses: ReadonlySet<string>;
  contactsByEmail: ReadonlyMap<string, RoutingContact>;
  /** Gmail thread id → its active binding in this location (R11), and the Gmail message that made it. */
  bindings: ReadonlyMap<string, ActiveBinding & { boundBy?: string | null }>;
  /** R2: the mailbox's start point (Unix ms). */
  startPoint: number;
  /** R27: the location's lists with the mailbox owner's own never-log list. */
  privacy: RoutingPrivacy;
  /** R28: Gmail thread ids of the chunk un-logged from this location. */
  unloggedThreads: ReadonlySet<string>;
}

export interface RoutedMessage {
  message: GmailMessage;
  /** Only the "sync" decisions: where the message is stored. */
  targets: Extract<RouteDecision, { action: "sync" }>[];
  /** The "skip" decisions, each with its reason (R30 records them). */
  skips: Extract<RouteDecision, { action: "skip" }>[];
}

/**
 * Routes a chunk of messages in history order. A message that binds its thread (R8, R10) makes the
 * later messages of the same thread in the chunk follow that binding (R11), exactly as if each had
 * been routed after the previous one was stored.
 */
export function routeChunk(
  messages: readonly GmailMessage[],
  locations: readonly LocationRoutingData[],
  ownerAddress: string,
): RoutedMessage[] {
  // A binding made by a message of this very chunk is one a previous run of the chunk left behind (R22):
  // the chunk commits database by database (R31), so a crash in between leaves it in some locations only.
  // Routing as if it were not there yet gives the first run's answer again, and the chunk's own bindings
  // are rebuilt below exactly as the first run made them.
  const inChunk = new Set(messages.map((m) => m.gmailMessageId));
  const boundHere = new Map(
    locations.map((l) => [
      l.locationId,
      new Map([...l.bindings].filter(([, b]) => !b.boundBy || !inChunk.has(b.boundBy))),
    ]),
  );
  return messages.map((message) => {
    const { decisions } = decideRoutes({
      ownerAddress,
      message: {
        ...message.facts,
        gmailThreadId: message.gmailThreadId,
        labelIds: message.labelIds,
        receivedAt: message.receivedAt,
        bulk: message.bulk,
      },
      locations: locations.map((l) => ({
        locationId: l.locationId,
        ownerUserId: l.ownerUserId,
        userAddresses: l.userAddresses,
        contactsByEmail: l.contactsByEmail,
        activeBinding: boundHere.get(l.locationId)?.get(message.gmailThreadId) ?? null,
        startPoint: l.startPoint,
        privacy: l.privacy,
        threadUnlogged: l.unloggedThreads.has(message.gmailThreadId),
      })),
    });
    const targets = decisions.filter((d): d is Extract<RouteDecision, { action: "sync" }> => d.action === "sync");
    const skips = decisions.filter((d): d is Extract<RouteDecision, { action: "skip" }> => d.action === "skip");
    for (const target of targets) {
      if (!target.bindThread) continue;
      // The conversation id is only known once stored; the contact is what the store files it under.
      boundHere.get(target.locationId)?.set(message.gmailThreadId, { conversationId: "", contactId: target.contactId });
    }
    return { message, targets, skips };
  });
}

/** The addresses a chunk's routing may look up as contacts: senders of inbound, recipients of outbound. */
export function candidateAddresses(messages: readonly GmailMessage[], ownerAddress: string): string[] {
  const out = new Set<string>();
  for (const { facts } of messages) {
    if (facts.from !== null && facts.from.email !== ownerAddress) out.add(facts.from.email);
    else for (const a of [...facts.to, ...facts.cc, ...facts.bcc]) out.add(a.email);
  }
  out.delete(ownerAddress);
  return [...out];
}
