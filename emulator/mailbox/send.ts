import { formatAddress } from "../mime/build";
import { parseAddressList } from "../mime/addresses";
import { headerValue } from "../mime/headers";
import { joinMessage, removeHeader, setHeader, splitMessage } from "../mime/rewrite";
import { DAY_MS } from "../options";
import { findAccount, type EmulatorState } from "../state/store";
import type { Account, StoredMessage } from "../state/types";
import { randomHex } from "../util/random";
import { addMessage } from "./changes";
import { deliverInbound, referencedIds } from "./deliver";
import { canJoinThread } from "./threading";

export type SendFailure =
  | { kind: "invalid"; message: string }
  | { kind: "threadNotFound" }
  | { kind: "sendingLimit"; retryAt: number };

/** When the mailbox may send again, or null while under its daily cap (a rolling 24 hours). */
export function sendingBlockedUntil(account: Account, now: number): number | null {
  account.sendTimes = account.sendTimes.filter((t) => t > now - DAY_MS);
  if (account.sendTimes.length < account.dailySendLimit) return null;
  return account.sendTimes[0]! + DAY_MS;
}

/** Gmail's own rewrites of an outgoing message: From is the account, Message-ID and Date exist. */
function prepare(
  account: Account,
  raw: Uint8Array,
  now: number,
): { raw: Uint8Array; recipients: string[] } | SendFailure {
  let { headers, body } = splitMessage(raw);
  const to = headerValue(headers, "to");
  if (to !== null && to.trim() !== "" && parseAddressList(to).length === 0)
    return { kind: "invalid", message: "Invalid To header" };
  const recipients = ["to", "cc", "bcc"].flatMap((h) => parseAddressList(headerValue(headers, h))).map((a) => a.email);
  if (recipients.length === 0) return { kind: "invalid", message: "Recipient address required" };
  const [from] = parseAddressList(headerValue(headers, "from"));
  if (!from || from.email !== account.email)
    headers = setHeader(headers, "From", formatAddress({ email: account.email, name: from?.name || account.name }));
  if (!headerValue(headers, "message-id"))
    headers = setHeader(headers, "Message-ID", `<CA${randomHex(32)}@mail.gmail.com>`);
  if (!headerValue(headers, "date"))
    headers = setHeader(headers, "Date", new Date(now).toUTCString().replace("GMT", "+0000"));
  return { raw: joinMessage(headers, body), recipients };
}

/**
 * Sends as the account: stores the Sent copy (in the requested thread only when Gmail's threading rules
 * allow), and hands a copy without Bcc to every recipient that is an emulated account.
 */
export function commitSend(
  state: EmulatorState,
  account: Account,
  raw: Uint8Array,
  threadId: string | null,
): StoredMessage | SendFailure {
  const now = state.clock.of(account);
  const blocked = sendingBlockedUntil(account, now);
  if (blocked !== null) return { kind: "sendingLimit", retryAt: blocked };
  const prepared = prepare(account, raw, now);
  if ("kind" in prepared) return prepared;
  let thread: string | null = null;
  if (threadId !== null) {
    if (!account.mailbox.threads.has(threadId.toLowerCase())) return { kind: "threadNotFound" };
    const { referenced, subject } = referencedIds(prepared.raw);
    if (canJoinThread(account.mailbox, threadId.toLowerCase(), referenced, subject)) thread = threadId.toLowerCase();
  }
  const toSelf = prepared.recipients.includes(account.email);
  const sent = addMessage(state, account, {
    raw: prepared.raw,
    labelIds: toSelf ? ["SENT", "INBOX", "UNREAD"] : ["SENT"],
    threadId: thread,
  });
  account.sendTimes.push(now);
  const { headers, body } = splitMessage(prepared.raw);
  const delivered = joinMessage(removeHeader(headers, "bcc"), body);
  for (const email of new Set(prepared.recipients)) {
    const other = email === account.email ? null : findAccount(state, email);
    if (other) deliverInbound(state, other, delivered);
  }
  return sent;
}
