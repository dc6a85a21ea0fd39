import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /healthz", () => {
  it("answers ok", async () => {
    const res = await exports.default.fetch("http://service.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
  it("answers 404 JSON for unknown routes", async () => {
    const res = await exports.default.fetch("http://service.test/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
  it("reaches Google through the emulator", async () => {
    const res = await fetch("http://google.test/__emulator/health");
    expect(await res.json()).toEqual({ ok: true });
  });
});
