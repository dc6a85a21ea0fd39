import type { Address } from "../../../src/mail/message-facts";
import { decideRoutes } from "../../../src/sync/routing";
import { toNeverLogList } from "../../../src/privacy/entries";
import type { RoutingContact, RoutingLocation, RoutingMessage, RoutingPrivacy } from "../../../src/sync/routing-types";

/** Fixtures for the routing table tests: one mailbox owner, a colleague, and a few contacts. */
export const OWNER = "owner@gmail.test";
export const OWNER_USER = "u_owner";
export const OWNER_CRM = "owner@crm.test";
export const COLLEAGUE_CRM = "colleague@crm.test";
export const COLLEAGUE_GMAIL = "colleague@gmail.test";
/** R2: the mailbox's start point in these tables; messages are received an hour after it unless a test says. */
export const START_POINT = Date.UTC(2026, 11, 1, 9, 0, 0);

export const a = (email: string, name: string | null = null): Address => ({ email, name });

export function contacts(entries: Record<string, RoutingContact>): Map<string, RoutingContact> {
  return new Map(Object.entries(entries));
}

/** Contacts of location L1 unless a test says otherwise. */
export const L1_CONTACTS = contacts({
  "alice@client.test": { id: "ct_alice", assignedUserId: null },
  "bob@client.test": { id: "ct_bob", assignedUserId: OWNER_USER },
  "carol@client.test": { id: "ct_carol", assignedUserId: "u_other" },
  // R7: a user who is also a contact.
  [COLLEAGUE_CRM]: { id: "ct_colleague", assignedUserId: null },
  [OWNER_CRM]: { id: "ct_owner_as_contact", assignedUserId: null },
});

export function loc(locationId: string, over: Partial<RoutingLocation> = {}): RoutingLocation {
  return {
    locationId,
    ownerUserId: OWNER_USER,
    userAddresses: new Set([OWNER, OWNER_CRM, COLLEAGUE_CRM, COLLEAGUE_GMAIL]),
    contactsByEmail: L1_CONTACTS,
    activeBinding: null,
    startPoint: START_POINT,
    privacy: privacy(),
    threadUnlogged: false,
    ...over,
  };
}

/** R27 settings as routing reads them: the location's never-log list and the owner's own, merged. */
export function privacy(
  over: { neverLog?: string[]; ownerNeverLog?: string[]; internalDomains?: string[]; skipBulkMail?: boolean } = {},
): RoutingPrivacy {
  return {
    neverLog: toNeverLogList(over.neverLog ?? [], over.ownerNeverLog ?? []),
    internalDomains: new Set(over.internalDomains ?? []),
    skipBulkMail: over.skipBulkMail ?? false,
  };
}

export function msg(over: Partial<RoutingMessage> = {}): RoutingMessage {
  return {
    from: a("alice@client.test"),
    to: [a(OWNER)],
    cc: [],
    bcc: [],
    gmailThreadId: "t1",
    labelIds: ["INBOX"],
    receivedAt: START_POINT + 3_600_000,
    bulk: false,
    ...over,
  };
}

/** Decisions as short strings, so a table row reads like the rule it proves. */
export function route(message: RoutingMessage, locations: RoutingLocation[] = [loc("L1")]): string[] {
  return decideRoutes({ message, ownerAddress: OWNER, locations }).decisions.map((d) =>
    d.action === "skip"
      ? `${d.locationId} skip ${d.direction} ${d.reason}`
      : `${d.locationId} sync ${d.direction} ${d.contactId}${d.conversationId === null ? "" : `/${d.conversationId}`}` +
        ` ${d.bindThread ? "bind" : "keep"} ${d.reason}`,
  );
}
