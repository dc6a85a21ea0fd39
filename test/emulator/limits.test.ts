import { describe, expect, it } from "vitest";
import {
  advanceClock,
  counters,
  deliver,
  failNext,
  GOOGLE_ORIGIN,
  hangNext,
  resetCounters,
  setQuota,
} from "../support/google";
import { connectedAccount, gmail, type GoogleError } from "./helpers";

function batchBody(boundary: string, paths: string[]): string {
  return `${paths.map((p, i) => `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${i + 1}>\r\n\r\nGET ${p}\r\n`).join("")}--${boundary}--\r\n`;
}

async function batch(
  token: string,
  paths: string[],
): Promise<{ status: number; parts: Array<{ contentId: string; status: number; body: Record<string, unknown> }> }> {
  const res = await fetch(`${GOOGLE_ORIGIN}/batch/gmail/v1`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "multipart/mixed; boundary=xyz" },
    body: batchBody("xyz", paths),
  });
  const type = res.headers.get("content-type") ?? "";
  const boundary = /boundary=(\S+)/.exec(type)?.[1];
  // Bytes decoded as UTF-8, as the service reads it: workerd warns on .text() of a multipart body.
  const text = new TextDecoder().decode(await res.arrayBuffer());
  if (!boundary) return { status: res.status, parts: [] };
  const parts = text
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const [head = "", http = "", ...rest] = chunk.split("\r\n\r\n");
      const contentId = /Content-ID: <([^>]+)>/i.exec(head)?.[1] ?? "";
      const status = Number(/HTTP\/1\.1 (\d+)/.exec(http)?.[1]);
      return { contentId, status, body: JSON.parse(rest.join("\r\n\r\n")) as Record<string, unknown> };
    });
  return { status: res.status, parts };
}

describe("emulator: per-mailbox quota", () => {
  it("charges Gmail's unit costs and answers 429 rateLimitExceeded past the per-minute limit, until the minute passes", async () => {
    const { email, token } = await connectedAccount("quota");
    await resetCounters(email);
    // A burst as long as the minute: only the per-minute quota can refuse here.
    await setQuota(email, { perMinute: 12, burstSeconds: 60 });
    const d = await deliver(email, { from: "a@example.com", to: email, subject: "q", text: "x" });
    expect((await gmail(token, "/gmail/v1/users/me/profile")).status).toBe(200);
    expect((await gmail(token, `/gmail/v1/users/me/history?startHistoryId=1`)).status).toBe(404);
    expect((await gmail(token, `/gmail/v1/users/me/messages/${d.id}`)).status).toBe(200);
    const refused = await gmail<GoogleError>(token, `/gmail/v1/users/me/messages/${d.id}`);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 429,
      status: "RESOURCE_EXHAUSTED",
      errors: [{ reason: "rateLimitExceeded", domain: "usageLimits" }],
    });
    expect(refused.body.error.message).toContain("Queries per minute per user");
    expect((await gmail(token, "/gmail/v1/users/me/profile")).status).toBe(200);
    expect(await counters(email)).toEqual({
      requests: { "users.getProfile": 2, "users.history.list": 1, "users.messages.get": 2 },
      units: { "users.getProfile": 2, "users.history.list": 2, "users.messages.get": 5 },
      totalRequests: 5,
      totalUnits: 9,
      rateLimited: 1,
    });
    await advanceClock(email, 60_000);
    expect((await gmail(token, `/gmail/v1/users/me/messages/${d.id}`)).status).toBe(200);
  });
});

describe("emulator: per-second moving average (reading 9)", () => {
  it("refuses a minute's budget spent at once: no 2 s window over 2 s of the per-second rate, 429 until it moves on", async () => {
    const { email, token } = await connectedAccount("persecond");
    await setQuota(email, { perMinute: 6000, burstSeconds: 2 });
    const d = await deliver(email, { from: "a@example.com", to: email, subject: "s", text: "x" });
    await resetCounters(email);
    // 100 units/s averaged over 2 s: 40 messages.get (5 units) pass at once, the 41st is refused.
    const first = await batch(
      token,
      Array.from({ length: 45 }, () => `/gmail/v1/users/me/messages/${d.id}?format=minimal`),
    );
    expect(first.parts.map((p) => p.status)).toEqual([...Array(40).fill(200), ...Array(5).fill(429)]);
    expect(first.parts[40]!.body.error).toMatchObject({
      code: 429,
      errors: [{ reason: "rateLimitExceeded", domain: "usageLimits" }],
    });
    // One second on, the window still holds them; two seconds on it is free again. Far under the minute's 6,000.
    await advanceClock(email, 1_000);
    expect((await gmail(token, `/gmail/v1/users/me/messages/${d.id}?format=minimal`)).status).toBe(429);
    await advanceClock(email, 1_001);
    const third = await batch(
      token,
      Array.from({ length: 41 }, () => `/gmail/v1/users/me/messages/${d.id}?format=minimal`),
    );
    expect(third.parts.map((p) => p.status)).toEqual([...Array(40).fill(200), 429]);
    expect((await counters(email)).totalUnits).toBe(400);
  });
});

describe("emulator: injected failures", () => {
  it.each([
    [500, "backendError", "INTERNAL"],
    [503, "backendError", "UNAVAILABLE"],
    [429, "rateLimitExceeded", "RESOURCE_EXHAUSTED"],
    [403, "userRateLimitExceeded", "PERMISSION_DENIED"],
  ] as const)(
    "failNext %i answers Google's %s error, then the method works again",
    async (status, reason, statusName) => {
      const { email, token } = await connectedAccount("fail");
      await failNext(email, "users.getProfile", status);
      const failed = await gmail<GoogleError>(token, "/gmail/v1/users/me/profile");
      expect(failed.status).toBe(status);
      expect(failed.body.error).toMatchObject({ code: status, status: statusName, errors: [{ reason }] });
      expect((await gmail(token, "/gmail/v1/users/me/profile")).status).toBe(200);
    },
  );

  it("hangNext holds the call until its time is up (or the client gives up)", async () => {
    const { email, token } = await connectedAccount("hang");
    await hangNext(email, "users.history.list", 300);
    const started = Date.now();
    const hung = await gmail(token, "/gmail/v1/users/me/history?startHistoryId=1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(hung.status).toBe(503);
    await hangNext(email, "users.getProfile", 5_000);
    const aborted = fetch(`${GOOGLE_ORIGIN}/gmail/v1/users/me/profile`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(200),
    });
    await expect(aborted).rejects.toThrow();
  });
});

describe("emulator: batch endpoint", () => {
  it("answers each part in order as its own call, with per-part quota and per-part 429", async () => {
    const { email, token } = await connectedAccount("batch");
    const a = await deliver(email, { from: "a@example.com", to: email, subject: "a", text: "x" });
    const b = await deliver(email, { from: "b@example.com", to: email, subject: "b", text: "x" });
    await setQuota(email, { perMinute: 10, burstSeconds: 60 });
    const result = await batch(token, [
      `/gmail/v1/users/me/messages/${a.id}?format=minimal`,
      `/gmail/v1/users/me/messages/${b.id}?format=minimal`,
      `/gmail/v1/users/me/messages/${a.id}`,
    ]);
    expect(result.status).toBe(200);
    expect(result.parts.map((p) => [p.contentId, p.status])).toEqual([
      ["response-item1", 200],
      ["response-item2", 200],
      ["response-item3", 429],
    ]);
    expect(result.parts[1]!.body.id).toBe(b.id);
    expect((await counters(email)).units["users.messages.get"]).toBe(10);
  });

  it("refuses more than 100 calls in one batch", async () => {
    const { token } = await connectedAccount("batch101");
    const result = await batch(
      token,
      Array.from({ length: 101 }, () => "/gmail/v1/users/me/profile"),
    );
    expect(result.status).toBe(400);
  });
});
