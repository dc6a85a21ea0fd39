import { findFirstContactsByEmails } from "../db/contacts";
import { directoryDb, locationDb } from "../db/database";
import { loadLocationUserAddresses } from "../db/location-users";
import { getLocationPrivacy, getUserNeverLog } from "../db/privacy-settings";
import { findActiveThreadBindings } from "../db/thread-bindings/lookup";
import { findUnloggedThreads } from "../db/unlogged-threads";
import type { Env } from "../env";
import { toNeverLogList } from "../privacy/entries";
import type { GmailMessage } from "../sync/gmail-message";
import { candidateAddresses, type LocationRoutingData } from "../sync/route-chunk";

/** A location where the mailbox owner has the mailbox actively connected. */
export interface ActiveConnection {
  locationId: string;
  userId: string;
}

/**
 * Loads, for every active connection, what routing needs for one chunk: the location's user addresses
 * (R7), the first-created contact of each candidate address (R12), the active bindings of the chunk's
 * threads (R11), the location's privacy settings with the mailbox owner's own never-log list (R27) and
 * the chunk's threads un-logged there (R28). A few queries per location, whatever the chunk size.
 */
export async function loadRoutingData(
  env: Env,
  mailbox: string,
  connections: readonly ActiveConnection[],
  messages: readonly GmailMessage[],
  startPoint: number,
): Promise<LocationRoutingData[]> {
  const addresses = candidateAddresses(messages, mailbox);
  const threadIds = messages.map((m) => m.gmailThreadId);
  const directory = directoryDb(env);
  const loaded = await Promise.all(
    connections.map(async (connection): Promise<LocationRoutingData | null> => {
      const db = await locationDb(env, connection.locationId);
      const [users, contacts, bindings, privacy, ownerNeverLog, unloggedThreads] = await Promise.all([
        loadLocationUserAddresses(directory, db, connection.locationId),
        addresses.length === 0
          ? new Map<string, never>()
          : findFirstContactsByEmails(db, connection.locationId, addresses),
        findActiveThreadBindings(db, connection.locationId, mailbox, threadIds),
        getLocationPrivacy(db, connection.locationId),
        getUserNeverLog(db, connection.locationId, connection.userId),
        findUnloggedThreads(db, connection.locationId, mailbox, threadIds),
      ]);
      // Reading 10: an owner no longer a member of the location sends nothing there, whatever the
      // mailbox's own list says (its disconnect may still be on the way or may have failed).
      if (![...users.values()].includes(connection.userId)) return null;
      const userAddresses = new Set(users.keys());
      // The mailbox itself is a user address everywhere it is connected (R7).
      userAddresses.add(mailbox);
      return {
        locationId: connection.locationId,
        ownerUserId: connection.userId,
        userAddresses,
        contactsByEmail: new Map(
          [...contacts].map(([email, c]) => [email, { id: c.id, assignedUserId: c.assignedUserId }]),
        ),
        bindings,
        startPoint,
        privacy: {
          neverLog: toNeverLogList(privacy.neverLog, ownerNeverLog),
          internalDomains: new Set(privacy.internalDomains),
          skipBulkMail: privacy.skipBulkMail,
        },
        unloggedThreads,
      };
    }),
  );
  return loaded.filter((data) => data !== null);
}
