import { decodeHeaderValue, headerValue } from "../mime/headers";
import { parseMime } from "../mime/parse";
import { publishChange } from "../pubsub/publish";
import type { EmulatorState } from "../state/store";
import type { Account, HistoryRecord, HistoryType, StoredMessage } from "../state/types";
import { randomHex, randomInt } from "../util/random";

/** History ids grow with random gaps, as Gmail's do: a client must never assume id + 1. */
function recordChange(
  state: EmulatorState,
  account: Account,
  message: StoredMessage,
  type: HistoryType,
  changed: string[],
): HistoryRecord {
  const mailbox = account.mailbox;
  mailbox.historyId += randomInt(1, 9);
  message.historyId = mailbox.historyId;
  const record: HistoryRecord = {
    id: mailbox.historyId,
    at: state.clock.of(account),
    type,
    messageId: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
    changedLabelIds: changed,
  };
  mailbox.records.push(record);
  publishChange(state, account, record);
  return record;
}

function newMessageId(account: Account, now: number): string {
  for (;;) {
    const id = `${now.toString(16).padStart(11, "0")}${randomHex(5)}`;
    if (!account.mailbox.messages.has(id)) return id;
  }
}

/** Stores a message in a mailbox (a new thread unless one is given) and records messageAdded. */
export function addMessage(
  state: EmulatorState,
  account: Account,
  input: {
    raw: Uint8Array;
    labelIds: string[];
    threadId: string | null;
    internalDate?: number;
    hideFromHistory?: boolean;
  },
): StoredMessage {
  const now = state.clock.of(account);
  const mime = parseMime(input.raw);
  const id = newMessageId(account, now);
  const threadId = input.threadId ?? id;
  const messageIdHeader = headerValue(mime.headers, "message-id");
  const message: StoredMessage = {
    id,
    threadId,
    labelIds: [...new Set(input.labelIds)],
    raw: input.raw,
    mime,
    internalDate: input.internalDate ?? now,
    historyId: account.mailbox.historyId,
    messageIdHeader: messageIdHeader ? (/<[^<>]+>/.exec(messageIdHeader)?.[0] ?? `<${messageIdHeader.trim()}>`) : null,
    subject: decodeHeaderValue(headerValue(mime.headers, "subject") ?? ""),
  };
  account.mailbox.messages.set(id, message);
  account.mailbox.threads.set(threadId, [...(account.mailbox.threads.get(threadId) ?? []), id]);
  if (input.hideFromHistory) account.mailbox.hiddenFromHistory.add(id);
  recordChange(state, account, message, "messageAdded", []);
  return message;
}

/** Adds and removes labels; each effective change is its own history record, as Gmail reports them. */
export function changeLabels(
  state: EmulatorState,
  account: Account,
  message: StoredMessage,
  add: string[],
  remove: string[],
): void {
  const added = add.filter((l) => !message.labelIds.includes(l));
  const removed = remove.filter((l) => message.labelIds.includes(l));
  if (added.length > 0) {
    message.labelIds = [...message.labelIds, ...added];
    recordChange(state, account, message, "labelAdded", added);
  }
  if (removed.length > 0) {
    message.labelIds = message.labelIds.filter((l) => !removed.includes(l));
    recordChange(state, account, message, "labelRemoved", removed);
  }
}

/** Deletes a message for good (not trash): messageDeleted. */
export function deleteMessage(state: EmulatorState, account: Account, message: StoredMessage): void {
  const mailbox = account.mailbox;
  mailbox.messages.delete(message.id);
  const rest = (mailbox.threads.get(message.threadId) ?? []).filter((id) => id !== message.id);
  if (rest.length > 0) mailbox.threads.set(message.threadId, rest);
  else mailbox.threads.delete(message.threadId);
  recordChange(state, account, message, "messageDeleted", []);
}

/**
 * Moves a message to Trash as Gmail's Delete button and `messages.trash` do: TRASH added, the Inbox left
 * (remembered, so a restore brings it back). Already in Trash: nothing changes and nothing is recorded.
 */
export function trashMessage(state: EmulatorState, account: Account, message: StoredMessage): void {
  if (message.labelIds.includes("TRASH")) return;
  message.inboxBeforeTrash = message.labelIds.includes("INBOX");
  changeLabels(state, account, message, ["TRASH"], ["INBOX"]);
}

/** Takes a message out of Trash (`messages.untrash`, "Move to Inbox" from Trash): TRASH removed, Inbox restored. */
export function untrashMessage(state: EmulatorState, account: Account, message: StoredMessage): void {
  if (!message.labelIds.includes("TRASH")) return;
  const backToInbox = message.inboxBeforeTrash === true;
  delete message.inboxBeforeTrash;
  changeLabels(state, account, message, backToInbox ? ["INBOX"] : [], ["TRASH"]);
}
