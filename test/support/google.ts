/**
 * Typed helpers for tests that need Google: they drive the Google emulator (emulator/, served at
 * http://google.test inside the test suite through miniflare's outboundService) over its control API.
 *
 * The emulator is ONE instance shared by every test file of a vitest run, so:
 *  - give every test its own account: `await createAccount(uniqueEmail("owner"))`;
 *  - time is per account: `advanceClock(email, ms)` moves that mailbox's Google time only (access-token
 *    expiry, watch expiration, history retention, quota window, sending limit, push backoff);
 *  - pushes are per account: `pullPushes(email)` only returns that mailbox's pushes.
 *
 * Gmail rules the emulator enforces that tests must respect:
 *  - at most one push per second per mailbox; Gmail drops the rest. Advance the account's clock by
 *    `PUSH_SPACING_MS` between changes when each must produce its own push;
 *  - access tokens expire after 3600 s of the account's clock; refresh tokens die on revoke/password change;
 *  - attachment ids change on every messages.get (take them from the message you just fetched).
 *
 * Typical flow of a product test:
 *   const owner = uniqueEmail("owner"); await createAccount(owner);
 *   const { authorizationUrl } = ...POST /v1/.../mailbox/connect...;
 *   const callback = await consent(authorizationUrl, owner);            // the URL Google redirects to
 *   await exports.default.fetch(callback);                               // the service's callback
 *   await deliver(owner, { from: "ann@example.com", to: owner, subject: "Hi", text: "Hello" });
 *   await deliverPushes(owner, (req) => exports.default.fetch(req));     // Pub/Sub → /webhooks/gmail
 *   const box = await readMailbox(owner);                                // what Gmail now holds
 */
import type { MailboxView, MessageView } from "../../emulator/control/mailbox-view";
import type { OutboxEntryView, PushFaults, PushRequest } from "../../emulator/pubsub/outbox";
import type { Counters } from "../../emulator/state/types";
import { TEST_GOOGLE, TEST_ORIGINS } from "../../emulator/presets";

export type { MailboxView, MessageView, OutboxEntryView, PushRequest, Counters };
export { TEST_GOOGLE };

export const GOOGLE_ORIGIN: string = TEST_ORIGINS.google;
const CONTROL = `${GOOGLE_ORIGIN}/__emulator`;

/** Gmail drops pushes closer than this per mailbox. */
export const PUSH_SPACING_MS = 1000;

/** The scopes the product asks for (R1). */
export const PRODUCT_SCOPES = [
  "openid",
  "email",
  "https://www.googleapis.com/auth/gmail.modify",
  "https://www.googleapis.com/auth/gmail.send",
];

/** Gmail method names as the emulator's fault and counter APIs use them (discovery ids without `gmail.`). */
export type GmailMethod =
  | "users.getProfile"
  | "users.watch"
  | "users.stop"
  | "users.labels.list"
  | "users.history.list"
  | "users.messages.list"
  | "users.messages.get"
  | "users.messages.attachments.get"
  | "users.threads.get"
  | "users.messages.send"
  | "users.messages.modify"
  | "users.messages.batchModify"
  | "users.messages.trash"
  | "users.messages.untrash"
  | "users.messages.delete"
  | "*";

export type Address = string | { email: string; name?: string };

export interface Attachment {
  filename: string;
  contentType?: string;
  contentBase64: string;
  inline?: boolean;
  contentId?: string;
}

/** An email described by fields; the emulator writes the RFC 822 (multipart when html/attachments). */
export interface MailFields {
  from: Address;
  to?: Address | Address[];
  cc?: Address | Address[];
  bcc?: Address | Address[];
  replyTo?: Address | Address[];
  subject?: string;
  text?: string;
  html?: string;
  attachments?: Attachment[];
  /** Message-ID with angle brackets; generated when absent. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  /** Date header (ISO 8601); default: the account's clock. internalDate is always the receipt time. */
  date?: string;
  /** Default INBOX, UNREAD, CATEGORY_PERSONAL. Use ["SPAM"] to deliver to spam, etc. */
  labelIds?: string[];
}

/** Delivery knobs: Gmail's receive time (ISO; default the account's clock) and history hiding (R30 tests). */
export interface DeliveryOptions {
  internalDate?: string;
  hideFromHistory?: boolean;
}

/** An inbound email: fields, raw RFC 822 text, or raw bytes in base64. */
export type InboundMail = (
  | MailFields
  | { raw: string; labelIds?: string[] }
  | { rawBase64: string; labelIds?: string[] }
) &
  DeliveryOptions;

/** A send from Gmail's own interface. `replyToMessageId` (a Gmail id in this mailbox) threads it like Gmail's UI. */
export type OwnerMail =
  | (Omit<MailFields, "from" | "labelIds"> & { replyToMessageId?: string })
  | { raw: string; threadId?: string };

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${CONTROL}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Google emulator ${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

const at = (email: string) => `/accounts/${encodeURIComponent(email)}`;

/** A fresh address, unique across the whole (shared) emulator. */
export function uniqueEmail(prefix = "user", domain = "gmail.com"): string {
  return `${prefix}.${crypto.randomUUID().slice(0, 12)}@${domain}`.toLowerCase();
}

/** Creates a Google account (idempotent). Its mailbox starts empty at a random history id. */
export function createAccount(
  email: string,
  name?: string,
): Promise<{ email: string; name: string; sub: string; historyId: string }> {
  return control("POST", "/accounts", { email, ...(name ? { name } : {}) });
}

/**
 * The user answers Google's consent screen for `authorizationUrl` as `account`: returns the URL Google
 * redirects the browser to (the service's callback with code and state, or error=access_denied).
 * `grantScopes` lists the scopes left ticked (openid/email/profile cannot be unticked).
 */
export async function consent(
  authorizationUrl: string,
  account: string,
  options: { decision?: "allow" | "deny"; grantScopes?: string[] } = {},
): Promise<string> {
  const result = await control<{ redirectUrl: string }>("POST", "/oauth/consent", {
    authorizationUrl,
    account,
    ...options,
  });
  return result.redirectUrl;
}

/** Delivers an email into the account's mailbox (default INBOX). Records history and pushes if watched. */
export async function deliver(account: string, mail: InboundMail): Promise<MessageView> {
  return (await control<{ message: MessageView }>("POST", `${at(account)}/messages`, mail)).message;
}

/** The owner sends from Gmail's web interface (lands in SENT; no API quota; counts toward the sending limit). */
export async function sendAsOwner(account: string, mail: OwnerMail): Promise<MessageView> {
  return (await control<{ message: MessageView }>("POST", `${at(account)}/send`, mail)).message;
}

/** Moves a message between labels (e.g. out of SPAM into INBOX): labelAdded / labelRemoved history. */
export async function setLabels(
  account: string,
  messageId: string,
  change: { add?: string[]; remove?: string[] },
): Promise<MessageView> {
  return (await control<{ message: MessageView }>("POST", `${at(account)}/messages/${messageId}/labels`, change))
    .message;
}

/** What the owner does to a message in Gmail's own interface (R26): read, unread, trash, restore from Trash. */
export async function ownerAction(
  account: string,
  messageId: string,
  action: "read" | "unread" | "trash" | "restore",
): Promise<{ message: MessageView; historyId: string }> {
  return control("POST", `${at(account)}/messages/${messageId}/${action}`);
}

/** Deletes a message for good (messageDeleted history). */
export function deleteMessage(account: string, messageId: string): Promise<{ deleted: string; historyId: string }> {
  return control("DELETE", `${at(account)}/messages/${messageId}`);
}

/** The user revokes the app's access (all grants, or one client's): refresh gives invalid_grant, tokens die. */
export function revoke(account: string, clientId?: string): Promise<{ revoked: number }> {
  return control("POST", `${at(account)}/revoke`, clientId ? { clientId } : {});
}

/** The user changes their password: refresh tokens with Gmail scopes give invalid_grant. */
export function changePassword(account: string): Promise<{ passwordGeneration: number }> {
  return control("POST", `${at(account)}/password`);
}

/**
 * The next `count` calls of `method` fail with Google's error for that status (after spending their quota);
 * 401 is an access token Google no longer takes (the client refreshes it once).
 */
export function failNext(
  account: string,
  method: GmailMethod,
  status: 500 | 503 | 429 | 403 | 401,
  count?: number,
): Promise<unknown>;
/** The next `count` refreshes of this account's tokens fail at the token endpoint with `status` (never invalid_grant). */
export function failNext(
  account: string,
  method: "oauth.token",
  status: 401 | 500 | 503 | 429,
  count?: number,
): Promise<unknown>;
export function failNext(
  account: string,
  method: GmailMethod | "oauth.token",
  status: 500 | 503 | 429 | 403 | 401,
  count = 1,
): Promise<unknown> {
  return control("POST", `${at(account)}/faults`, { method, status, count });
}

/** The Workspace admin disables Gmail apps: the next `count` calls of `method` answer 403 domainPolicy. */
export function failNextDomainPolicy(account: string, method: GmailMethod, count = 1): Promise<unknown> {
  return control("POST", `${at(account)}/faults`, { method, status: 403, reason: "domainPolicy", count });
}

/**
 * The next `count` calls of `method` hang for `hangMs` (or until the client aborts), then answer 503;
 * `oauth.token`: this account's next refresh grants hang, then answer 503 temporarily_unavailable.
 */
export function hangNext(
  account: string,
  method: GmailMethod | "oauth.token",
  hangMs: number,
  count = 1,
): Promise<unknown> {
  return control("POST", `${at(account)}/faults`, { method, hangMs, count });
}

export function clearFaults(account: string): Promise<unknown> {
  return control("DELETE", `${at(account)}/faults`);
}

/** The next messages.send is committed (in SENT, recipients get it) but its answer is a 500, or hangs first. */
export function loseNextSendAnswer(
  account: string,
  mode: "error" | "hang" = "error",
  hangMs?: number,
): Promise<unknown> {
  return control("POST", `${at(account)}/lose-next-send-answer`, { mode, ...(hangMs ? { hangMs } : {}) });
}

/** Every history id handed out so far becomes too old: history.list answers 404 for them. */
export function raiseRetentionFloor(
  account: string,
  historyId?: string,
): Promise<{ floor: string; historyId: string }> {
  return control("POST", `${at(account)}/history/floor`, historyId ? { historyId } : {});
}

/** history.list silently leaves these messages out from now on; messages.list still finds them. */
export function hideFromHistory(account: string, messageIds: string[]): Promise<{ hidden: string[] }> {
  return control("POST", `${at(account)}/history/hide`, { messageIds });
}

/** Moves this account's Google clock forward. */
export function advanceClock(account: string, ms: number): Promise<{ clockOffsetMs: number; now: string }> {
  return control("POST", `${at(account)}/clock`, { advanceMs: ms });
}

/** Per-mailbox limits: quota units per minute (null: the emulator's default, 15,000 in tests) and the daily sending limit. */
export function setQuota(
  account: string,
  limits: { perMinute?: number | null; burstSeconds?: number | null; dailySendLimit?: number },
): Promise<{ perMinute: number; dailySendLimit: number }> {
  return control("POST", `${at(account)}/quota`, limits);
}

/** Everything in the mailbox: messages (headers, text, html, attachments, raw), threads, watch, history id. */
export function readMailbox(account: string): Promise<MailboxView> {
  return control("GET", at(account));
}

/** Gmail API calls and quota units this mailbox was charged, per method. */
export function counters(account: string): Promise<Counters> {
  return control("GET", `${at(account)}/counters`);
}

export function resetCounters(account: string): Promise<Counters> {
  return control("DELETE", `${at(account)}/counters`);
}

/** Rotates Google's signing key; the old key stays published unless dropOld. Returns the new kid. */
export async function rotateKeys(dropOld = false): Promise<string> {
  return (await control<{ kid: string }>("POST", "/keys/rotate", { dropOld })).kid;
}

/** The pushes Pub/Sub would POST now for this mailbox, each the exact request (URL, headers, body). */
export async function pullPushes(account: string, max?: number): Promise<PushRequest[]> {
  return (await control<{ deliveries: PushRequest[] }>("POST", "/pubsub/pull", { account, ...(max ? { max } : {}) }))
    .deliveries;
}

/** Reports the endpoint's status for a pulled push: 102/200/201/202/204 acknowledge, anything else retries with backoff. */
export function ackPush(deliveryId: string, status: number): Promise<unknown> {
  return control("POST", "/pubsub/ack", { deliveryId, status });
}

export function pushToRequest(push: PushRequest): Request {
  return new Request(push.url, { method: push.method, headers: push.headers, body: push.body });
}

/**
 * Delivers this mailbox's due pushes through `post` (e.g. `(r) => exports.default.fetch(r)`) and reports each
 * status back, as Pub/Sub would. Failed ones come back after their backoff (advance the account's clock).
 */
export async function deliverPushes(
  account: string,
  post: (request: Request) => Promise<Response>,
): Promise<{ statuses: number[]; pushes: PushRequest[] }> {
  const pushes = await pullPushes(account);
  const statuses: number[] = [];
  for (const push of pushes) {
    const response = await post(pushToRequest(push));
    await response.arrayBuffer();
    statuses.push(response.status);
    await ackPush(push.deliveryId, response.status);
  }
  return { statuses, pushes };
}

/** Faults on this mailbox's next pushes: drop N, duplicate N, delay N by ms, or hold N and release them reversed. */
export function setPushFaults(account: string, faults: PushFaults): Promise<unknown> {
  return control("POST", "/pubsub/faults", { account, ...faults });
}

/** Every push ever published for this mailbox, with its state (pending, inflight, acked, expired) and statuses. */
export async function pushOutbox(account: string): Promise<OutboxEntryView[]> {
  return (await control<{ entries: OutboxEntryView[] }>("GET", `/pubsub/outbox?account=${encodeURIComponent(account)}`))
    .entries;
}
