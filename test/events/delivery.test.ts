import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config";
import { locationDb } from "../../src/db/database";
import { runBatch } from "../../src/db/run-batch";
import { recordEvent } from "../../src/events/outbox";
import { MAX_ATTEMPTS } from "../../src/events/retry-schedule";
import type { DeliveryJob } from "../../src/events/types";
import worker from "../../src/index";
import { api, createLocation, locationToken } from "../support/api";
import { runCron } from "../support/connect";
import { deliver, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, pushAndSync } from "../sync/support";
import { deliveriesOf, eventsOf, planAnswers, receivedBy, subscribe, verified, waitForReceived } from "./support";

afterEach(() => {
  vi.useRealTimers();
});

/** The queue redelivering one message at the simulated moment `at`: the real consumer, the real bindings. */
async function redeliver(job: DeliveryJob, attempts: number, at: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
  const batch = createMessageBatch<DeliveryJob>("crm-gmail-sync-events", [
    { id: crypto.randomUUID(), timestamp: at, attempts, body: job },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** A status event committed in the location's database; `relay: false` is a crash right after the commit. */
async function commitEvent(locationId: string) {
  const db = await locationDb(env, locationId);
  const write = recordEvent(
    {
      type: "mailbox.status_changed",
      locationId,
      data: { userId: "u", emailAddress: "a@gmail.com", status: "active", reason: "connected" },
    },
    Date.now(),
  );
  await runBatch(db, write.statements);
  return write.eventIds[0] as string;
}

async function waitForDelivery(
  locationId: string,
  webhookId: string,
  check: (d: Awaited<ReturnType<typeof deliveriesOf>>) => boolean,
) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const deliveries = await deliveriesOf(locationId, webhookId);
    if (check(deliveries)) return deliveries;
    if (Date.now() > deadline) throw new Error(`deliveries never settled: ${JSON.stringify(deliveries)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("R29 delivery: at least once, retried, same id", () => {
  it("R29: an endpoint answering 500 then 200 gets the same event id twice, the retry within a minute, then it is delivered", async () => {
    const locationId = await createLocation();
    const { webhook, secret, host } = await subscribe(locationId);
    await planAnswers(host, [{ status: 500 }], { status: 200 });
    const eventId = await commitEvent(locationId);
    const { relayEvents } = await import("../../src/events/relay");
    await relayEvents(env, await locationDb(env, locationId), locationId, [eventId]);

    const [failedOnce] = await waitForDelivery(locationId, webhook.id, (d) => d[0]?.attempts === 1);
    expect(failedOnce).toMatchObject({ eventId, status: "pending", attempts: 1, lastStatusCode: 500 });
    const retryAt = Date.parse(failedOnce?.nextAttemptAt ?? "");
    expect(retryAt - Date.parse(failedOnce?.lastAttemptAt ?? "")).toBeLessThanOrEqual(60_000);

    const result = await redeliver({ locationId, eventId, webhookId: webhook.id }, 2, retryAt);
    expect(result.explicitAcks).toHaveLength(1);
    const requests = await receivedBy(host);
    expect(requests.map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId]);
    expect(requests.map((r) => verified(r, secret).id)).toEqual([eventId, eventId]);
    expect(Number(requests[1]?.headers["webhook-timestamp"])).toBe(Math.floor(retryAt / 1000));
    expect(await deliveriesOf(locationId, webhook.id)).toEqual([
      {
        eventId,
        status: "delivered",
        attempts: 2,
        lastStatusCode: 200,
        lastAttemptAt: new Date(retryAt).toISOString(),
        nextAttemptAt: null,
      },
    ]);
  });

  it("R29: an endpoint down for a simulated day: growing delays over at least 24 h, then failed; replay delivers it", async () => {
    const locationId = await createLocation();
    const { webhook, secret, host } = await subscribe(locationId);
    await planAnswers(host, [], { status: 503 });
    const eventId = await commitEvent(locationId);
    const { relayEvents } = await import("../../src/events/relay");
    await relayEvents(env, await locationDb(env, locationId), locationId, [eventId]);
    const [first] = await waitForDelivery(locationId, webhook.id, (d) => d[0]?.attempts === 1);
    const firstAttemptAt = Date.parse(first?.lastAttemptAt ?? "");

    const delays: number[] = [];
    let delivery = first;
    while (delivery?.status === "pending") {
      const at = Date.parse(delivery.nextAttemptAt ?? "");
      delays.push(at - Date.parse(delivery.lastAttemptAt ?? ""));
      const result = await redeliver({ locationId, eventId, webhookId: webhook.id }, delivery.attempts + 1, at);
      [delivery] = await deliveriesOf(locationId, webhook.id);
      // The consumer asks the queue for the next attempt with the delay it recorded, or acks at the end.
      if (delivery?.status === "pending") expect(result.retryMessages).toHaveLength(1);
      else expect(result.explicitAcks).toHaveLength(1);
    }
    expect(delivery).toMatchObject({
      status: "failed",
      attempts: MAX_ATTEMPTS,
      lastStatusCode: 503,
      nextAttemptAt: null,
    });
    expect(MAX_ATTEMPTS).toBeGreaterThanOrEqual(8);
    expect(delays[0]).toBeLessThanOrEqual(60_000);
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] as number);
    const lastAttemptAt = Date.parse(delivery?.lastAttemptAt ?? "");
    expect(lastAttemptAt - firstAttemptAt).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
    const attempts = await receivedBy(host);
    expect(attempts).toHaveLength(MAX_ATTEMPTS);
    // Each attempt checked at its own moment (Standard Webhooks refuses timestamps over 5 minutes old).
    const ids = attempts.map((r) => {
      vi.setSystemTime(Number(r.headers["webhook-timestamp"]) * 1000);
      return verified(r, secret).id;
    });
    expect(new Set(ids)).toEqual(new Set([eventId]));
    expect(await deliveriesOf(locationId, webhook.id, "&status=failed")).toHaveLength(1);

    // Back up the next morning: replay from before the event delivers it (same id), the real queue again.
    await planAnswers(host, [], { status: 204 });
    const replay = await api<{ events: number }>("POST", `/v1/locations/${locationId}/webhooks/${webhook.id}/replay`, {
      token: await locationToken(locationId),
      body: { since: new Date(firstAttemptAt - 60_000).toISOString() },
    });
    expect(replay).toMatchObject({ status: 202, body: { events: 1 } });
    vi.useRealTimers();
    const all = await waitForReceived(host, MAX_ATTEMPTS + 1);
    expect(all.at(-1)?.headers["webhook-id"]).toBe(eventId);
    await waitForDelivery(locationId, webhook.id, (d) => d[0]?.status === "delivered");
  }, 30_000);

  it("R29: a crash between commit and hand-over is recovered by the cron sweep", async () => {
    const locationId = await createLocation();
    const { webhook, secret, host } = await subscribe(locationId);
    const eventId = await commitEvent(locationId); // committed, never relayed: the isolate "died" here
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await receivedBy(host)).toEqual([]);
    expect((await deliveriesOf(locationId, webhook.id))[0]).toMatchObject({ status: "pending", attempts: 0 });
    await runCron(Date.now() + 2 * 60_000);
    const [request] = await waitForReceived(host, 1);
    expect(verified(request!, secret).id).toBe(eventId);
    await waitForDelivery(locationId, webhook.id, (d) => d[0]?.status === "delivered");
  });

  it("R29: two endpoints, one dead (hanging past the deadline): the other receives every event while the dead one is still hanging", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("two", "client.test"));
    const good = await subscribe(owner.locationId);
    const dead = await subscribe(owner.locationId);
    await planAnswers(dead.host, [], { hang: true });
    for (let i = 0; i < 5; i += 1)
      await deliver(owner.address, { from: contact.email, to: owner.address, subject: `m${i}`, text: "x" });
    await pushAndSync(owner.address);

    const received = await waitForReceived(good.host, 5);
    const deadFirst = (await waitForReceived(dead.host, 1))[0]?.receivedAt ?? 0;
    // Causal, not a speed figure: every good receipt happened before the dead endpoint's first attempt gave up.
    expect(Math.max(...received.map((r) => r.receivedAt))).toBeLessThan(deadFirst + loadConfig(env).WEBHOOK_TIMEOUT_MS);
    expect(new Set(received.map((r) => verified(r, good.secret).id)).size).toBe(5);
    const deadDeliveries = await waitForDelivery(
      owner.locationId,
      dead.webhook.id,
      (d) => d.length === 5 && d.every((x) => x.attempts >= 1),
    );
    expect(deadDeliveries.every((d) => d.status === "pending" && d.lastStatusCode === null)).toBe(true);
    expect((await deliveriesOf(owner.locationId, good.webhook.id)).every((d) => d.status === "delivered")).toBe(true);
  }, 30_000);

  it("R23: events of location A never reach B's endpoints, nor B's event list, nor B's token", async () => {
    const a = await connectedOwner();
    const b = await connectedOwner();
    const contact = await addContact(a.locationId, uniqueEmail("wall", "client.test"));
    const atA = await subscribe(a.locationId);
    const atB = await subscribe(b.locationId);
    await deliver(a.address, { from: contact.email, to: a.address, subject: "for A", text: "x" });
    await pushAndSync(a.address);
    const [request] = await waitForReceived(atA.host, 1);
    const event = verified(request!, atA.secret);
    expect(event.locationId).toBe(a.locationId);

    expect(await receivedBy(atB.host)).toEqual([]);
    expect((await eventsOf(b.locationId)).map((e) => e.id)).not.toContain(event.id);
    const tokenB = await locationToken(b.locationId);
    expect((await api("GET", `/v1/locations/${a.locationId}/events`, { token: tokenB })).status).toBe(403);
    expect(
      (await api("GET", `/v1/locations/${b.locationId}/webhooks/${atA.webhook.id}`, { token: tokenB })).status,
    ).toBe(404);
    const replay = await api("POST", `/v1/locations/${b.locationId}/webhooks/${atA.webhook.id}/replay`, {
      token: tokenB,
      body: { since: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(replay.status).toBe(404);
    // B's own endpoint replayed over the same minutes gets nothing of A's.
    const own = await api<{ events: number }>(
      "POST",
      `/v1/locations/${b.locationId}/webhooks/${atB.webhook.id}/replay`,
      {
        token: tokenB,
        body: { since: new Date(Date.now() - 60_000).toISOString() },
      },
    );
    expect(own.body.events).toBe((await eventsOf(b.locationId)).length);
    expect((await eventsOf(b.locationId)).every((e) => e.locationId === b.locationId)).toBe(true);
  });
});
