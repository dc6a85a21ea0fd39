import { decodeHeaderValue, headerValue, parseMessageIds } from "../mime/headers";
import { splitMessage } from "../mime/rewrite";
import type { EmulatorState } from "../state/store";
import type { Account, StoredMessage } from "../state/types";
import { addMessage } from "./changes";
import { findReferencedThread } from "./threading";

/** Labels Gmail gives ordinary incoming mail. */
export const INBOUND_LABELS = ["INBOX", "UNREAD", "CATEGORY_PERSONAL"];

/** Message-IDs a message says it answers: In-Reply-To, then References. */
export function referencedIds(raw: Uint8Array): { referenced: string[]; subject: string } {
  const { headers } = splitMessage(raw);
  return {
    referenced: [
      ...parseMessageIds(headerValue(headers, "references")),
      ...parseMessageIds(headerValue(headers, "in-reply-to")),
    ],
    subject: decodeHeaderValue(headerValue(headers, "subject") ?? ""),
  };
}

/**
 * Receives a message into a mailbox. A reply joins the thread of the message its References / In-Reply-To
 * name when the subject matches; anything else starts a thread.
 */
export function deliverInbound(
  state: EmulatorState,
  account: Account,
  raw: Uint8Array,
  labelIds: string[] = INBOUND_LABELS,
  options: { internalDate?: number; hideFromHistory?: boolean } = {},
): StoredMessage {
  const { referenced, subject } = referencedIds(raw);
  const threadId = findReferencedThread(account.mailbox, referenced, subject);
  return addMessage(state, account, { raw, labelIds, threadId, ...options });
}
