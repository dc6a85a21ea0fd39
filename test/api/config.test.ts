import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import { adminToken } from "../support/api";

/** The Worker's fetch with a hand-built env: the test bindings with one setting changed. */
async function fetchWith(overrides: Record<string, unknown>, path: string, init: RequestInit = {}) {
  const bindings: Record<string, unknown> = { ...env, ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete bindings[key];
  const handBuilt = bindings as unknown as Env;
  const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
  const res = await worker.fetch(new Request(`http://service.test${path}`, init), handBuilt, ctx);
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; message: string; details?: { settings: string[] } } },
  };
}

describe("configuration fails closed: 500 misconfigured naming the setting, /healthz included (API_JWT_SECRET ≥ 32 bytes)", () => {
  it.each([
    ["API_JWT_SECRET", undefined],
    ["API_JWT_SECRET", ""],
    ["API_JWT_SECRET", "x"],
    ["API_JWT_SECRET", "0123456789abcdef0123456789abcde"],
    ["BCC_DOMAIN", "   "],
    ["GOOGLE_CLIENT_ID", undefined],
    ["OAUTH_REDIRECT_URL", "not a url"],
    ["PUBSUB_TOPIC", "gmail-topic"],
    ["TOKEN_ENCRYPTION_KEY", btoa("0123456789abcdef")],
    ["TOKEN_ENCRYPTION_KEY", "%%% not base64 %%%"],
    ["ALLOWED_RETURN_ORIGINS", "https://app.crm.test/path"],
    ["DAILY_SEND_LIMIT", "many"],
    ["GMAIL_API_URL", "gmail.googleapis.com"],
  ])("%s = %j", async (setting, value) => {
    const headers = { authorization: `Bearer ${await adminToken()}` };
    for (const path of ["/healthz", "/v1/locations/anything", "/openapi.json"]) {
      const res = await fetchWith({ [setting]: value }, path, { headers });
      expect(res.status, path).toBe(500);
      expect(res.body.error?.code).toBe("misconfigured");
      expect(res.body.error?.message).toContain(setting);
      expect(res.body.error?.details?.settings).toContain(setting);
    }
  });

  it("answers normally when settings with a default are missing or empty (empty counts as missing)", async () => {
    const res = await fetchWith(
      { GOOGLE_AUTH_URL: undefined, DAILY_SEND_LIMIT: undefined, GMAIL_API_URL: "" },
      "/healthz",
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
});
