/*
 * PURE: which provider carries a CRM send (R13, R18) and what makes a reply thread (R13).
 * Data in, decisions out; the route loads the rows and acts on the answer.
 */
import { subjectText } from "../mail/header-values";
import { isOutgoingMessageId } from "../mail/validate-outgoing";
import { err, ok, type Result } from "../util/result";

export type SendKind = "individual" | "bulk" | "workflow";

export type ConnectionStatus = "active" | "needs_reauth" | "disconnected";

/** The sending user's connection in the sending location, or null when there is none. */
export interface SenderConnection {
  status: ConnectionStatus;
  mailboxAddress: string;
}

/** Which provider carries the send, or why none may (the user must reconnect first). */
export type ProviderPlan = Result<
  { provider: "gmail"; mailboxAddress: string } | { provider: "location" },
  { reason: "mailbox_needs_reauth"; mailboxAddress: string }
>;

/**
 * R18: bulk and workflow mail never use Gmail, whatever the connection. R13: an individual send of a user
 * whose connection is active goes through their Gmail. R18/R6: without an active connection (none, or
 * disconnected) the location's provider carries it, but needs_reauth refuses so that the user reconnects.
 */
export function planProvider(kind: SendKind, connection: SenderConnection | null): ProviderPlan {
  if (kind !== "individual") return ok({ provider: "location" });
  if (connection === null || connection.status === "disconnected") return ok({ provider: "location" });
  if (connection.status === "needs_reauth") {
    return err({ reason: "mailbox_needs_reauth", mailboxAddress: connection.mailboxAddress });
  }
  return ok({ provider: "gmail", mailboxAddress: connection.mailboxAddress });
}

/** What the reply threads on: the replied message and the ids of its thread's earlier messages. */
export interface RepliedMessage {
  messageIdHeader: string | null;
  subject: string;
  gmailMailbox: string | null;
  gmailThreadId: string | null;
}

export interface ReplyPlan {
  inReplyTo: string | null;
  references: string[];
  /** Gmail's thread to put the reply in: only when the replied message lives in the sending mailbox. */
  threadId: string | null;
  /** The replied message's subject, as replySubject (build-mime) makes it "Re: …". */
  baseSubject: string;
}

/** RFC 5322 allows trimming a long References chain; the first id and the latest ones keep threading. */
export const MAX_REFERENCES = 20;

/**
 * R13: In-Reply-To is the replied message's id; References is the chain of its thread known to the CRM
 * (ids in thread order up to and including the replied one, `threadIds`), trimmed to the first id plus the
 * latest ones. Gmail's threadId applies only within the same mailbox: another mailbox has other thread ids.
 */
export function planReply(input: {
  replied: RepliedMessage;
  threadIds: readonly string[];
  sendingMailbox: string | null;
}): ReplyPlan {
  const { replied } = input;
  // Reading 14: ids a contact's mail carried that no outgoing header may hold are left out, not refused.
  const repliedId =
    replied.messageIdHeader !== null && isOutgoingMessageId(replied.messageIdHeader) ? replied.messageIdHeader : null;
  const ids = input.threadIds.filter(isOutgoingMessageId);
  const chain = [...new Set([...ids, ...(repliedId === null ? [] : [repliedId])])];
  const references = chain.length > MAX_REFERENCES ? [chain[0] ?? "", ...chain.slice(-(MAX_REFERENCES - 1))] : chain;
  const sameMailbox =
    input.sendingMailbox !== null && replied.gmailMailbox === input.sendingMailbox && replied.gmailThreadId !== null;
  return {
    inReplyTo: repliedId,
    references,
    threadId: sameMailbox ? replied.gmailThreadId : null,
    baseSubject: subjectText(replied.subject),
  };
}
