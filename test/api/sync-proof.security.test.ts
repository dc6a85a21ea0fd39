import { describe, expect, it } from "vitest";
import { api, locationToken } from "../support/api";
import { deliver, uniqueEmail } from "../support/google";
import { explain, requestReconcile, syncReport, today } from "../sync/proof-support";
import { addContact, connectedOwner, pushAndSync } from "../sync/support";

describe("R30 routes at the trust boundary", { timeout: 30_000 }, () => {
  it("R23: B's report and explain show nothing of A's mailbox, and A's token cannot read B's", async () => {
    const a = await connectedOwner();
    const b = await connectedOwner();
    const ann = await addContact(a.locationId, uniqueEmail("ann", "client.test"));
    const sent = await deliver(a.address, { from: ann.email, to: a.address, subject: "For A only" });
    await pushAndSync(a.address);
    expect(await today(a)).toMatchObject({ seen: 1, stored: 1 });

    expect(await today(b)).toMatchObject({ seen: 0, stored: 0, healed: 0 });
    expect((await syncReport(b)).emailAddress).toBe(b.address);
    expect(await explain(b, sent.id)).toMatchObject({ decision: "unknown", reason: null, rule: null, messageId: null });

    const crossed = await api("GET", `/v1/locations/${b.locationId}/users/${b.userId}/mailbox/sync-report`, {
      token: await locationToken(a.locationId),
    });
    expect(crossed.status).toBe(403);
    expect(crossed.body).toMatchObject({ error: { code: "forbidden" } });
    // A's user is no member of B: asking B's location about A's user finds nobody.
    const stranger = await api(
      "GET",
      `/v1/locations/${b.locationId}/users/${a.userId}/mailbox/explain?gmailMessageId=${sent.id}`,
      { token: await locationToken(b.locationId) },
    );
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("R24: a bad days or gmailMessageId is 400 invalid_request; a user without Gmail cannot ask for a reconciliation", async () => {
    const a = await connectedOwner();
    const token = await locationToken(a.locationId);
    const base = `/v1/locations/${a.locationId}/users/${a.userId}/mailbox`;
    for (const days of ["0", "31", "x", "1.5"]) {
      const res = await api("GET", `${base}/sync-report?days=${days}`, { token });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: "invalid_request" } });
    }
    for (const query of [
      "",
      "?gmailMessageId=",
      `?gmailMessageId=${encodeURIComponent("a b<script>")}`,
      `?gmailMessageId=${"a".repeat(200)}`,
    ]) {
      const res = await api("GET", `${base}/explain${query}`, { token });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: "invalid_request" } });
    }
    expect((await syncReport(a, 30)).days).toHaveLength(30);

    await api("DELETE", base, { token });
    const refused = await requestReconcile(a);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: "mailbox_not_connected" } });
  });
});
