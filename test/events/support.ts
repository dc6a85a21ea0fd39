/**
 * R29 test steps: subscribe an endpoint of the test receiver (test/support/webhook-receiver.ts) through
 * the public API, tell it how to answer, wait for what it received, and check each signature with an
 * independent implementation of Standard Webhooks (the `standardwebhooks` package).
 */
import { Webhook } from "standardwebhooks";
import { api, locationToken, uniqueId } from "../support/api";

export interface WebhookJson {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: string;
  createdAt: string;
  secret?: string;
}

export interface Received {
  host: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
  answered: number;
}

export interface EventJson {
  id: string;
  type: string;
  createdAt: string;
  locationId: string;
  data: Record<string, unknown>;
}

const CONTROL = "http://control.hooks.test";

/** A fresh endpoint host of the receiver. */
export const endpointHost = () => `${uniqueId("ep").toLowerCase()}.hooks.test`;

export async function subscribe(
  locationId: string,
  options: { events?: string[]; host?: string } = {},
): Promise<{ webhook: WebhookJson; secret: string; host: string }> {
  const host = options.host ?? endpointHost();
  const res = await api<{ webhook: WebhookJson }>("POST", `/v1/locations/${locationId}/webhooks`, {
    token: await locationToken(locationId),
    body: { url: `https://${host}/crm/events`, events: options.events ?? ["*"] },
  });
  if (res.status !== 201 || !res.body.webhook.secret)
    throw new Error(`subscribe: ${res.status} ${JSON.stringify(res.body)}`);
  return { webhook: res.body.webhook, secret: res.body.webhook.secret, host };
}

/** How the endpoint answers its next requests (`next`, in order), then every request after (`after`). */
export async function planAnswers(
  host: string,
  next: ({ status: number } | { hang: true })[],
  after: { status: number } | { hang: true } = { status: 200 },
) {
  await fetch(`${CONTROL}/plan`, { method: "POST", body: JSON.stringify({ host, next, after }) });
}

export async function receivedBy(host: string): Promise<Received[]> {
  return (await fetch(`${CONTROL}/received?host=${encodeURIComponent(host)}`)).json();
}

/** Waits until the endpoint received at least `count` requests (the real queue delivers them). */
export async function waitForReceived(host: string, count: number, timeoutMs = 15_000): Promise<Received[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await receivedBy(host);
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`waitForReceived: ${host} got ${got.length} of ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The Standard Webhooks check of the `standardwebhooks` package; returns the verified event. */
export function verified(request: Received, secret: string): EventJson {
  return new Webhook(secret).verify(request.body, request.headers) as EventJson;
}

export async function eventsOf(locationId: string, query = ""): Promise<EventJson[]> {
  const res = await api<{ events: EventJson[] }>("GET", `/v1/locations/${locationId}/events?limit=200${query}`, {
    token: await locationToken(locationId),
  });
  if (res.status !== 200) throw new Error(`events: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.events;
}

export interface DeliveryJson {
  eventId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

export async function deliveriesOf(locationId: string, webhookId: string, query = ""): Promise<DeliveryJson[]> {
  const res = await api<{ deliveries: DeliveryJson[] }>(
    "GET",
    `/v1/locations/${locationId}/webhooks/${webhookId}/deliveries?limit=200${query}`,
    {
      token: await locationToken(locationId),
    },
  );
  if (res.status !== 200) throw new Error(`deliveries: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.deliveries;
}
