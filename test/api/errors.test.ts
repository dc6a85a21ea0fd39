import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminToken, api, createLocation } from "../support/api";

describe("R24: every error is docs/api.md's JSON body", () => {
  it.each(["/nope", "/v1/nope", "/v1/locations/x/y/z/w"])("unknown route %s → 404 not_found", async (path) => {
    const loc = await createLocation();
    const res = await api("GET", path.replace("/x/", `/${loc}/`));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it.each([
    ["POST", "/healthz", "GET, HEAD"],
    ["DELETE", "/v1/locations/{loc}/contacts", "GET, HEAD, POST"],
    ["POST", "/v1/locations/{loc}", "GET, HEAD, PUT"],
    ["PUT", "/v1/locations/{loc}/conversations/cv_1", "GET, HEAD"],
  ])("%s %s → 405 method_not_allowed with Allow", async (method, path, allow) => {
    const loc = await createLocation();
    const res = await api(method, path.replace("{loc}", loc), { body: method === "DELETE" ? undefined : {} });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    expect(res.body).toEqual({
      error: { code: "method_not_allowed", message: expect.any(String), details: { allow: allow.split(", ") } },
    });
  });

  it.each(['{"name":', "not json", '{"name": "x"}}'])("malformed JSON %j → 400 invalid_request", async (body) => {
    const loc = await createLocation();
    const res = await api("PUT", `/v1/locations/${loc}`, { body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: "invalid_request", message: "The request body is not valid JSON." } });
  });

  it("an oversized body (Content-Length over 1 MiB) → 413 payload_too_large", async () => {
    const loc = await createLocation();
    const res = await api("PUT", `/v1/locations/${loc}`, { body: { name: "x".repeat(1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      error: { code: "payload_too_large", message: expect.any(String), details: { maxBytes: 1048576 } },
    });
  });

  it("an oversized streamed body (no Content-Length) → 413 payload_too_large", async () => {
    const loc = await createLocation();
    const chunk = new TextEncoder().encode("x".repeat(256 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await exports.default.fetch(
      new Request(`http://service.test/v1/locations/${loc}/contacts`, {
        method: "POST",
        headers: { authorization: `Bearer ${await adminToken()}`, "content-type": "application/json" },
        body: stream,
      }),
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("a body that is not JSON → 415 unsupported_media_type", async () => {
    const loc = await createLocation();
    const res = await api("PUT", `/v1/locations/${loc}`, {
      body: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: { code: "unsupported_media_type", message: expect.any(String) } });
  });
});

describe("routing edge cases", () => {
  it("a trailing slash is an unknown route (404), not a 405", async () => {
    const loc = await createLocation();
    const res = await api("GET", `/v1/locations/${loc}/contacts/`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("HEAD is answered like GET, without a body", async () => {
    const res = await api("HEAD", "/healthz", { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
  });
});
