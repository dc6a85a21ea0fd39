/**
 * Connecting a Gmail mailbox in tests, the way a person does it: POST …/mailbox/connect, the browser opens
 * the connect link (the service's start URL, which sets R32's cookie and redirects to Google), the emulator's
 * consent screen, then Google's redirect to the service's callback in the same browser. Everything goes through the real
 * routes, the real Durable Object and the Google emulator.
 *
 *   const owner = uniqueEmail("owner");
 *   const { locationId, userId, address } = await connectMailbox({ account: owner });
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { MailboxTask } from "../../src/cron/mailbox-tasks";
import worker from "../../src/index";
import type { MailboxStatus } from "../../src/mailbox/mailbox";
import { mailboxStub } from "../../src/mailbox/stub";
import type { MailboxView } from "../../src/http/schemas/mailbox";
import { api, createLocation, createUser, locationToken } from "./api";
import { defaultBrowser, type TestBrowser } from "./browser";
import { consent, createAccount } from "./google";

export const RETURN_TO = "https://app.crm.test/settings/email";

export interface CallbackAnswer {
  status: number;
  /** The redirect target, when the callback redirected. */
  location: string | null;
  /** `gmail=` and `reason=` of the redirect. */
  gmail: string | null;
  reason: string | null;
  body: string;
}

/** Provisions what is missing: the location, the user (with a CRM address of its own) and the membership. */
export async function provisionMember(
  options: { locationId?: string; userId?: string } = {},
): Promise<{ locationId: string; userId: string }> {
  const locationId = options.locationId ?? (await createLocation());
  if (options.locationId) await api("PUT", `/v1/locations/${locationId}`, { body: { name: `Location ${locationId}` } });
  let userId = options.userId;
  if (!userId) userId = await createUser({ locationId });
  else {
    await api("PUT", `/v1/users/${userId}`, { body: { email: `${userId.toLowerCase()}@crm.test` } });
    await api("PUT", `/v1/locations/${locationId}/members/${userId}`, { body: {} });
  }
  return { locationId, userId };
}

/** POST …/mailbox/connect with a location token: the connect link, `authorizationUrl` (or throws). */
export async function requestConnectLink(
  locationId: string,
  userId: string,
  returnTo: string | null = RETURN_TO,
): Promise<string> {
  const res = await api<{ authorizationUrl: string }>(
    "POST",
    `/v1/locations/${locationId}/users/${userId}/mailbox/connect`,
    {
      token: await locationToken(locationId),
      body: returnTo === null ? {} : { returnTo },
    },
  );
  if (res.status !== 200) throw new Error(`connect: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.authorizationUrl;
}

/** The browser opens a connect link (R32's start URL): Google's authorization URL it is sent on to. */
export async function openConnectLink(link: string, browser: TestBrowser = defaultBrowser): Promise<string> {
  const res = await browser.open(link);
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`start: ${res.status} ${await res.text()}`);
  return location;
}

/** Requests a connect link and opens it in `browser`: Google's authorization URL, the cookie in the browser. */
export async function startConnect(
  locationId: string,
  userId: string,
  returnTo: string | null = RETURN_TO,
  browser: TestBrowser = defaultBrowser,
): Promise<string> {
  return openConnectLink(await requestConnectLink(locationId, userId, returnTo), browser);
}

/** The browser following Google's redirect to the service's callback. */
export async function followCallback(
  callbackUrl: string,
  browser: TestBrowser = defaultBrowser,
): Promise<CallbackAnswer> {
  const res = await browser.open(callbackUrl);
  const body = await res.text();
  const location = res.headers.get("location");
  const params = location ? new URL(location).searchParams : null;
  return {
    status: res.status,
    location,
    gmail: params?.get("gmail") ?? null,
    reason: params?.get("reason") ?? null,
    body,
  };
}

/** The whole flow for `account` (created in the emulator if new); consent options as the emulator's. */
export async function connectFlow(options: {
  account: string;
  locationId: string;
  userId: string;
  decision?: "allow" | "deny";
  grantScopes?: string[];
  returnTo?: string | null;
}): Promise<CallbackAnswer> {
  await createAccount(options.account);
  const url = await startConnect(
    options.locationId,
    options.userId,
    options.returnTo === undefined ? RETURN_TO : options.returnTo,
  );
  const callback = await consent(url, options.account, {
    ...(options.decision ? { decision: options.decision } : {}),
    ...(options.grantScopes ? { grantScopes: options.grantScopes } : {}),
  });
  return followCallback(callback);
}

/**
 * Connects `account` for (location, user), provisioning them when not given, and insists it worked.
 * Returns the ids and the mailbox address (normalised, as the service names the mailbox).
 */
export async function connectMailbox(options: { account: string; locationId?: string; userId?: string }): Promise<{
  locationId: string;
  userId: string;
  address: string;
}> {
  const { locationId, userId } = await provisionMember(options);
  const answer = await connectFlow({ account: options.account, locationId, userId });
  if (answer.gmail !== "connected")
    throw new Error(`connectMailbox: ${answer.status} ${answer.location ?? answer.body}`);
  return { locationId, userId, address: options.account.trim().toLowerCase() };
}

/** GET …/mailbox as the CRM sees it. */
export async function getMailbox(locationId: string, userId: string): Promise<MailboxView> {
  const res = await api<{ mailbox: MailboxView }>("GET", `/v1/locations/${locationId}/users/${userId}/mailbox`);
  if (res.status !== 200) throw new Error(`getMailbox: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.mailbox;
}

/** DELETE …/mailbox (R5). */
export async function disconnectMailbox(locationId: string, userId: string): Promise<MailboxView> {
  const res = await api<{ mailbox: MailboxView }>("DELETE", `/v1/locations/${locationId}/users/${userId}/mailbox`);
  if (res.status !== 200) throw new Error(`disconnectMailbox: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.mailbox;
}

/** The mailbox Durable Object's own status (RPC), at `now`. */
export function mailboxStatus(address: string, now = Date.now()): Promise<MailboxStatus> {
  return mailboxStub(env, address).status(now);
}

/**
 * Runs the Worker's scheduled handler as the cron would at `scheduledTime`, then the MAILBOX_TASKS consumer on
 * exactly the tasks it sent (both real code; only the queue's transport is held here, so a test knows when the
 * tick's work is done). test/cron/fleet-cron.test.ts runs the same through the real queue.
 */
export async function runCron(scheduledTime: number): Promise<void> {
  const sent: Array<{ body: MailboxTask }> = [];
  const holdQueue = {
    send: async (body: MailboxTask) => void sent.push({ body }),
    sendBatch: async (messages: Iterable<{ body: MailboxTask }>) => void sent.push(...messages),
  } as unknown as Queue<MailboxTask>;
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "*/5 * * * *" }), {
    ...env,
    MAILBOX_TASKS: holdQueue,
  });
  if (sent.length === 0) return;
  const messages = sent.map((m, i) => ({ id: `task-${i}`, timestamp: scheduledTime, attempts: 1, body: m.body }));
  const batch = createMessageBatch("crm-gmail-sync-mailbox-tasks", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  if (result.retryMessages.length > 0)
    throw new Error(`runCron: ${result.retryMessages.length} mailbox task(s) failed`);
}
