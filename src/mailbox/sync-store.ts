import { locationDb, type Database } from "../db/database";
import { storeMessages, type StoreMessageInput, type StoredMessage } from "../db/messages/store";
import { recordDecisions, type DecisionInput } from "../db/sync-decisions";
import type { Env } from "../env";
import { relayEvents } from "../events/relay";
import { log } from "../log";
import type { GmailMessage } from "../sync/gmail-message";
import type { RoutedMessage } from "../sync/route-chunk";
import { ruleOf } from "../sync/routing-reasons";
import { STORE_PER_LOCATION, STORE_RETRY_PER_MESSAGE } from "../util/subrequest-costs";

/**
 * One D1 batch per location: the rows of the messages routed there and every message's decision in that
 * location (R30), committed together. When a batch fails, its messages are retried one by one so that the
 * one message D1 refuses is found and only it counts a failure. Returns message id → error for failures.
 */
export async function storeRouted(
  env: Env,
  mailbox: string,
  routed: readonly RoutedMessage[],
  healing: ReadonlySet<string>,
  now: number,
): Promise<{ failed: Map<string, string>; subrequests: number }> {
  const byLocation = new Map<string, { id: string; items: StoreMessageInput[]; decision: DecisionInput }[]>();
  for (const { message, targets, skips } of routed) {
    const healed = healing.has(message.gmailMessageId);
    for (const target of targets) {
      const item = toStoreInput(mailbox, message, target);
      const decision: DecisionInput = {
        gmailMessageId: message.gmailMessageId,
        healed,
        kind: "store",
        reason: target.reason,
        rule: ruleOf(target),
        messageIdHeader: message.facts.messageIdHeader,
        gmailThreadId: message.gmailThreadId,
      };
      pushTo(byLocation, target.locationId, { id: message.gmailMessageId, items: [item], decision });
    }
    for (const skip of skips) {
      const decision: DecisionInput = {
        gmailMessageId: message.gmailMessageId,
        healed,
        kind: "skip",
        reason: skip.reason,
        rule: ruleOf(skip),
      };
      pushTo(byLocation, skip.locationId, { id: message.gmailMessageId, items: [], decision });
    }
  }
  const failed = new Map<string, string>();
  let subrequests = 0;
  for (const [locationId, entries] of byLocation) {
    const db = await locationDb(env, locationId);
    const store = (list: typeof entries) =>
      storeMessages(
        db,
        env.ATTACHMENTS,
        list.flatMap((e) => e.items),
        now,
        {
          alsoInBatch: [
            recordDecisions(
              locationId,
              mailbox,
              list.map((e) => e.decision),
              now,
            ),
          ],
        },
      );
    subrequests += STORE_PER_LOCATION;
    try {
      await relayStored(env, db, locationId, await store(entries), now);
      continue;
    } catch (error) {
      log.warn("sync_store_batch_failed", { locationId, count: entries.length, error });
    }
    for (const entry of entries) {
      subrequests += STORE_RETRY_PER_MESSAGE;
      try {
        await relayStored(env, db, locationId, await store([entry]), now);
      } catch (error) {
        failed.set(entry.id, `store: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { failed, subrequests };
}

function toStoreInput(
  mailbox: string,
  message: GmailMessage,
  target: RoutedMessage["targets"][number],
): StoreMessageInput {
  return {
    locationId: target.locationId,
    contactId: target.contactId,
    direction: target.direction,
    source: "gmail",
    provider: null,
    status: "received",
    facts: message.facts,
    gmail: { mailbox, messageId: message.gmailMessageId, threadId: message.gmailThreadId },
    unread: message.labelIds.includes("UNREAD"),
    bindThread: target.bindThread ? { mailbox, threadId: message.gmailThreadId } : null,
  };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** R29: message.created of what this batch stored, to the events queue right after the commit. */
function relayStored(
  env: Env,
  db: Database,
  locationId: string,
  stored: readonly (StoredMessage | null)[],
  now: number,
) {
  return relayEvents(
    env,
    db,
    locationId,
    stored.flatMap((s) => (s?.eventId ? [s.eventId] : [])),
    now,
  );
}
