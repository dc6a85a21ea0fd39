import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { locationDb } from "../../src/db/database";
import { webhooks } from "../../src/db/schema";
import { checkEndpointUrl } from "../../src/events/endpoint-url";
import { relayEvents } from "../../src/events/relay";
import { runBatch } from "../../src/db/run-batch";
import { recordEvent } from "../../src/events/outbox";
import { api, createLocation, locationToken } from "../support/api";
import { receivedBy, subscribe, verified, waitForReceived, type WebhookJson } from "./support";
import { Webhook } from "standardwebhooks";

afterEach(() => {
  vi.useRealTimers();
});

const post = async (locationId: string, body: unknown) =>
  api<{ webhook: WebhookJson; error?: { code: string } }>("POST", `/v1/locations/${locationId}/webhooks`, {
    token: await locationToken(locationId),
    body,
  });

describe("R29 endpoint URLs are checked when created", () => {
  it.each([
    ["https://crm.example/hooks", true],
    ["https://8.8.8.8/hooks", true],
    ["http://crm.example/hooks", false],
    ["https://user:pass@crm.example/hooks", false],
    ["https://crm.example/hooks#frag", false],
    ["https://10.1.2.3/", false],
    ["https://172.20.0.1/", false],
    ["https://192.168.1.1/", false],
    ["https://127.0.0.1/", false],
    ["https://0x7f.1/", false],
    ["https://169.254.169.254/latest/meta-data", false],
    ["https://100.64.0.1/", false],
    ["https://0.0.0.0/", false],
    ["https://[::1]/", false],
    ["https://[fe80::1]/", false],
    ["https://[fd00::1]/", false],
    ["https://[::ffff:10.0.0.1]/", false],
    ["https://localhost/", false],
    ["https://a.localhost/", false],
    ["ftp://crm.example/", false],
    ["not a url", false],
  ])("R29: %s accepted: %s", (url, ok) => {
    expect(checkEndpointUrl(url, []).ok).toBe(ok);
  });

  it("R29: plain http only for an origin of WEBHOOK_ALLOWED_HTTP_ORIGINS, and only that exact origin", () => {
    expect(checkEndpointUrl("http://localhost:8790/events", ["http://localhost:8790"]).ok).toBe(true);
    expect(checkEndpointUrl("http://localhost:8791/events", ["http://localhost:8790"]).ok).toBe(false);
    expect(checkEndpointUrl("http://user:pw@localhost:8790/events", ["http://localhost:8790"]).ok).toBe(false);
  });

  it("R29: a refused URL answers 400 invalid_request naming url, and writes nothing", async () => {
    const loc = await createLocation();
    for (const url of ["http://crm.example/x", "https://u:p@crm.example/x", "https://10.0.0.8/x", "https://[::1]/x"]) {
      const res = await post(loc, { url, events: ["*"] });
      expect(res.status, url).toBe(400);
      expect(res.body.error?.code, url).toBe("invalid_request");
    }
    for (const body of [
      { url: "https://crm.example/x", events: [] },
      { url: "https://crm.example/x", events: ["message.exploded"] },
    ]) {
      expect((await post(loc, body)).status).toBe(400);
    }
    expect(
      await (await locationDb(env, loc)).select().from(webhooks).where(eq(webhooks.locationId, loc)).all(),
    ).toEqual([]);
  });
});

describe("R29 subscriptions", () => {
  it("R29: the secret (whsec_ + base64 of 32 bytes) is shown once, sealed at rest, and never listed", async () => {
    const loc = await createLocation();
    const created = await post(loc, {
      url: "https://crm.example/hooks",
      events: ["message.created", "contact.created"],
      description: "main",
    });
    expect(created.status).toBe(201);
    const { secret, ...shown } = created.body.webhook;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(atob((secret ?? "").slice(6))).toHaveLength(32);
    expect(shown).toMatchObject({
      url: "https://crm.example/hooks",
      events: ["message.created", "contact.created"],
      description: "main",
      status: "active",
    });

    const token = await locationToken(loc);
    const one = await api<{ webhook: WebhookJson }>("GET", `/v1/locations/${loc}/webhooks/${shown.id}`, { token });
    expect(one.body.webhook).toEqual(shown);
    const list = await api<{ webhooks: WebhookJson[] }>("GET", `/v1/locations/${loc}/webhooks`, { token });
    expect(list.body).toEqual({ webhooks: [shown], nextCursor: null });
    const row = await (await locationDb(env, loc)).select().from(webhooks).where(eq(webhooks.id, shown.id)).get();
    expect(JSON.stringify(row)).not.toContain((secret ?? "").slice(6));

    expect((await api("DELETE", `/v1/locations/${loc}/webhooks/${shown.id}`, { token })).status).toBe(204);
    expect((await api("GET", `/v1/locations/${loc}/webhooks/${shown.id}`, { token })).status).toBe(404);
  });

  it("R29: at most 20 endpoints per location (409), another location unaffected", async () => {
    const loc = await createLocation();
    for (let i = 0; i < 20; i += 1)
      expect((await post(loc, { url: `https://crm.example/h${i}`, events: ["*"] })).status).toBe(201);
    const over = await post(loc, { url: "https://crm.example/h20", events: ["*"] });
    expect(over.status).toBe(409);
    expect((await post(await createLocation(), { url: "https://crm.example/h", events: ["*"] })).status).toBe(201);
  });

  it("R29: after a rotation, deliveries are signed with both secrets for 24 hours, then with the new one only", async () => {
    const loc = await createLocation();
    const { webhook, secret: oldSecret, host } = await subscribe(loc);
    const rotated = await api<{ webhook: WebhookJson }>(
      "POST",
      `/v1/locations/${loc}/webhooks/${webhook.id}/rotate-secret`,
      {
        token: await locationToken(loc),
        body: {},
      },
    );
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.webhook.secret ?? "";
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);

    const emit = async () => {
      const db = await locationDb(env, loc);
      const write = recordEvent({ type: "contact.created", locationId: loc, data: { contactId: "ct_x" } }, Date.now());
      await runBatch(db, write.statements);
      await relayEvents(env, db, loc, write.eventIds);
    };
    await emit();
    const [during] = await waitForReceived(host, 1);
    expect(during?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(verified(during!, oldSecret).type).toBe("contact.created");
    expect(verified(during!, newSecret).type).toBe("contact.created");

    // A day later (the consumer's clock), only the new secret signs.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 24 * 60 * 60 * 1000 + 60_000);
    await emit();
    const after = (await waitForReceived(host, 2))[1];
    expect(after?.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(verified(after!, newSecret).type).toBe("contact.created");
    expect(() => new Webhook(oldSecret).verify(after?.body ?? "", after?.headers ?? {})).toThrow();
    expect((await receivedBy(host)).length).toBe(2);
  });
});
