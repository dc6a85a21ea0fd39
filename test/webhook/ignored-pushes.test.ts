import { describe, expect, it } from "vitest";
import { api, locationToken, createLocation } from "../support/api";
import { disconnectMailbox } from "../support/connect";
import { uniqueEmail } from "../support/google";
import { connectedOwner } from "../sync/support";
import { googleSigned, post, pushBody, validClaims } from "./support";

type Stats = { webhookIgnored: { reason: string; count: number; lastAt: string }[] };

async function counts(): Promise<Record<string, number>> {
  const res = await api<Stats>("GET", "/v1/admin/webhook-stats");
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.webhookIgnored.map((r) => [r.reason, r.count]));
}

/** The count is written after the 204 (waitUntil): wait for it to land. */
async function countsReaching(expected: Record<string, number>): Promise<Record<string, number>> {
  let now = await counts();
  for (let i = 0; i < 200 && Object.entries(expected).some(([reason, n]) => (now[reason] ?? 0) < n); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    now = await counts();
  }
  return now;
}

describe("POST /webhooks/gmail: ignored pushes are counted (docs/api.md, Gmail push)", () => {
  it("malformed bodies, unknown and disconnected mailboxes are each answered 204 and counted by reason, readable by admins", async () => {
    const token = await googleSigned(validClaims());
    expect((await post(token, "{nope")).status).toBe(204);
    expect((await post(token, JSON.stringify({ message: { data: btoa("\xff\xfe not UTF-8") } }))).status).toBe(204);
    expect(
      (await post(token, JSON.stringify({ message: { data: btoa('{"emailAddress":"a@gmail.com","historyId":"x"}') } })))
        .status,
    ).toBe(204);
    expect((await post(token, pushBody(uniqueEmail("unknown"), "123"))).status).toBe(204);
    expect((await post(token, pushBody(uniqueEmail("unknown"), "124"))).status).toBe(204);
    const owner = await connectedOwner();
    await disconnectMailbox(owner.locationId, owner.userId);
    expect((await post(token, pushBody(owner.address, "999999999"))).status).toBe(204);

    const expected = { bad_envelope: 1, bad_data: 1, bad_notification: 1, unknown_mailbox: 2, not_active: 1 };
    expect(await countsReaching(expected)).toEqual(expected);
    const stats = await api<Stats>("GET", "/v1/admin/webhook-stats");
    for (const row of stats.body.webhookIgnored) expect(Date.parse(row.lastAt)).toBeGreaterThan(Date.now() - 60_000);

    // A push that is used is not counted.
    const active = await connectedOwner();
    expect((await post(token, pushBody(active.address, "999999999"))).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counts()).toEqual(expected);
  });

  it("the figures are for admins only: a location token gets 403 forbidden", async () => {
    const res = await api("GET", "/v1/admin/webhook-stats", { token: await locationToken(await createLocation()) });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: "forbidden", message: expect.any(String) } });
  });
});
