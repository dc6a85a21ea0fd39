import { locationDb } from "../db/database";
import { storeMessages } from "../db/messages/store";
import { endThreadBinding } from "../db/thread-bindings/end";
import { relayEvents } from "../events/relay";
import { GmailError } from "../gmail/client";
import { findSentByMessageId, sendRawMessage, type RawMessage, type SentMessage } from "../gmail/send";
import { log } from "../log";
import { err, ok, type Result } from "../util/result";
import type { MessageFacts } from "../mail/message-facts";
import { bindingsEndedBySend } from "../sync/thread-handoff";
import { markNeedsReauth } from "./grant-use";
import type { MailboxContext } from "./context";
import {
  findSend,
  markSend,
  readSendBlock,
  releaseSend,
  reserveSend,
  sendTimesSince,
  writeSendBlock,
} from "./send-log";
import { gmailSendBlockUntil, SEND_CAP_WINDOW_MS, sendCapAt } from "../send/send-cap";
import type { SendQuota } from "./status";

/** What the Worker hands the mailbox for one send (R13): the built message and how to store it. */
export interface GmailSendCommand {
  locationId: string;
  /** The sending user: the object checks its own connection list, not D1's copy of it. */
  userId: string;
  contactId: string;
  /**
   * The RFC 5322 message (build-mime.ts): inline when small, else a stream this object opens from the Worker
   * only if it sends, so a large message is never held here whole (gmail/send.ts).
   */
  message: RawMessage;
  messageIdHeader: string;
  threadId: string | null;
  facts: MessageFacts;
}

/** A message Gmail sent (now, or on an earlier attempt: `recovered`), stored in the CRM. */
export interface GmailSent {
  messageId: string;
  gmailMessageId: string;
  gmailThreadId: string;
  recovered: boolean;
}

/** Why a send did not go out; the HTTP edge answers each with its docs/api.md error. */
export type GmailSendRefusal =
  | { kind: "daily_send_limit"; retryAt: number; limit: number; byGmail: boolean }
  | { kind: "mailbox_needs_reauth"; mailbox: string }
  | { kind: "mailbox_not_connected"; mailbox: string }
  | { kind: "gmail_error"; status: number; reason: string };

/** Values, not exceptions: errors do not cross RPC as classes. */
export type GmailSendOutcome = Result<GmailSent, GmailSendRefusal>;

/** The mailbox's R16 counter as docs/api.md shows it. */
export function readSendQuota(sql: SqlStorage, limit: number, now: number): SendQuota {
  // Rows are kept a second day: a retry of a send from late yesterday must still find its Message-ID (R25).
  const sendTimes = sendTimesSince(sql, now - SEND_CAP_WINDOW_MS, now - 2 * SEND_CAP_WINDOW_MS);
  const {
    limit: l,
    used,
    remaining,
    nextAvailableAt,
  } = sendCapAt({ limit, sendTimes, blockedUntil: readSendBlock(sql), now });
  return { limit: l, used, remaining, nextAvailableAt };
}

/**
 * One Gmail send, inside the mailbox's Durable Object. The quota check and the reservation are one
 * synchronous step (no await between them), so concurrent sends cannot pass the cap together. A
 * Message-ID seen before resumes what became of it: stored, found in Sent (R25), or sent now.
 */
export async function sendThroughGmail(context: MailboxContext, command: GmailSendCommand): Promise<GmailSendOutcome> {
  // The account as it was when the send started (the context is opened inside SendsInFlight.run).
  if (context.account?.status !== "active") return err({ kind: "mailbox_needs_reauth", mailbox: context.mailbox });
  const { sql } = context;
  const limit = context.config.DAILY_SEND_LIMIT;
  const earlier = findSend(sql, command.messageIdHeader);
  if (earlier?.gmailMessageId && earlier.gmailThreadId) {
    return store(context, command, { id: earlier.gmailMessageId, threadId: earlier.gmailThreadId }, true);
  }
  if (earlier !== null) {
    // Reserved or unknown: an attempt whose end we did not see (lost answer, or the object restarted).
    const found = await searchSent(context, command);
    if (found === "failed") return err({ kind: "gmail_error", status: 503, reason: "sent_search_failed" });
    if (found !== null) return store(context, command, found, true);
  }
  if (earlier === null) {
    const quota = readSendQuota(sql, limit, context.now());
    if (quota.remaining === 0) {
      const blockedUntil = readSendBlock(sql);
      return err({
        kind: "daily_send_limit",
        retryAt: quota.nextAvailableAt ?? context.now(),
        limit,
        byGmail: blockedUntil !== null && blockedUntil > context.now(),
      });
    }
    reserveSend(sql, { messageIdHeader: command.messageIdHeader, locationId: command.locationId, now: context.now() });
  }
  let sent: SentMessage;
  try {
    sent = await sendRawMessage(context.gmail, command.message, command.threadId);
  } catch (error) {
    return refused(context, command, error);
  }
  markSend(sql, command.messageIdHeader, "sent", { messageId: sent.id, threadId: sent.threadId });
  return store(context, command, sent, false);
}

async function searchSent(context: MailboxContext, command: GmailSendCommand): Promise<SentMessage | null | "failed"> {
  try {
    return await findSentByMessageId(context.gmail, command.messageIdHeader);
  } catch (error) {
    log.warn("sent_search_failed", { mailbox: context.mailbox, error: String(error) });
    return "failed";
  }
}

/** Gmail said no, or said nothing. Only a send that may have gone out keeps counting. */
async function refused(context: MailboxContext, command: GmailSendCommand, error: unknown): Promise<GmailSendOutcome> {
  const { sql } = context;
  if (!(error instanceof GmailError)) throw error;
  if (error.kind === "retry") {
    // No answer, or a 5xx: Gmail may have sent it. The retry searches Sent before sending again (R25).
    markSend(sql, command.messageIdHeader, "unknown");
    return err({ kind: "gmail_error", status: error.status ?? 504, reason: error.reason ?? "no_answer" });
  }
  if (error.kind === "sending_limit") {
    const until = gmailSendBlockUntil(error.retryAt, context.now());
    // Not counted, and blocked until Gmail's time: both or neither.
    context.transaction(() => {
      releaseSend(sql, command.messageIdHeader);
      writeSendBlock(sql, until);
    });
    return err({ kind: "daily_send_limit", retryAt: until, limit: context.config.DAILY_SEND_LIMIT, byGmail: true });
  }
  releaseSend(sql, command.messageIdHeader);
  if (error.kind === "auth_revoked") {
    const used = context.account;
    if (used) await markNeedsReauth(context, used, error.reason ?? "invalid_grant", Date.now());
    return err({ kind: "mailbox_needs_reauth", mailbox: context.mailbox });
  }
  return err({ kind: "gmail_error", status: error.status ?? 502, reason: error.reason ?? error.kind });
}

/**
 * R15: stored with Gmail's ids before the Sent copy can be imported (the sync waits for sends in flight);
 * R14: the thread is bound to this location alone, its bindings elsewhere end.
 */
async function store(
  context: MailboxContext,
  command: GmailSendCommand,
  sent: SentMessage,
  recovered: boolean,
): Promise<GmailSendOutcome> {
  const now = context.now();
  const gmail = { mailbox: context.mailbox, messageId: sent.id, threadId: sent.threadId };
  const db = await locationDb(context.env, command.locationId);
  const [stored] = await storeMessages(
    db,
    context.env.ATTACHMENTS,
    [
      {
        locationId: command.locationId,
        contactId: command.contactId,
        direction: "outbound",
        source: "crm",
        provider: "gmail",
        status: "sent",
        facts: command.facts,
        gmail,
        bindThread: { mailbox: context.mailbox, threadId: sent.threadId, takeOver: true },
      },
    ],
    now,
  );
  if (!stored) throw new Error("sendThroughGmail: the store returned no row");
  if (stored.eventId) await relayEvents(context.env, db, command.locationId, [stored.eventId], now);
  const others = bindingsEndedBySend({
    boundLocationIds: context.connections().map((c) => c.locationId),
    sendingLocationId: command.locationId,
  });
  for (const locationId of others) {
    await endThreadBinding(
      await locationDb(context.env, locationId),
      { locationId, mailbox: context.mailbox, threadId: sent.threadId },
      now,
    );
  }
  return ok({
    messageId: stored.messageId,
    gmailMessageId: sent.id,
    gmailThreadId: sent.threadId,
    recovered,
  });
}

/**
 * Sends under way in this object. The same Message-ID twice at once (concurrent retries) runs once and
 * both get its outcome; the sync awaits `idle()` before it stores, so a CRM send is stored with its
 * Gmail ids before its Sent copy can be imported (R15) or routed to other locations (R14).
 */
export class SendsInFlight {
  readonly #running = new Map<string, Promise<GmailSendOutcome>>();

  run(messageIdHeader: string, send: () => Promise<GmailSendOutcome>): Promise<GmailSendOutcome> {
    const running = this.#running.get(messageIdHeader);
    if (running) return running;
    const promise = send().finally(() => this.#running.delete(messageIdHeader));
    this.#running.set(messageIdHeader, promise);
    return promise;
  }

  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()]);
  }
}
