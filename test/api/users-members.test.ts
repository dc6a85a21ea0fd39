import { describe, expect, it } from "vitest";
import { api, createLocation, createUser, locationToken, uniqueId } from "../support/api";

describe("PUT /v1/users/{userId}", () => {
  it("creates a user with a normalised address, then updates it", async () => {
    const id = uniqueId("user");
    const created = await api("PUT", `/v1/users/${id}`, { body: { email: "  Ann.Lee@Example.COM ", name: "Ann Lee" } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      user: { id, email: "ann.lee@example.com", name: "Ann Lee", createdAt: expect.any(String) },
    });

    const updated = await api("PUT", `/v1/users/${id}`, { body: { email: "ann@example.org" } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ user: { id, email: "ann@example.org", name: null } });
  });

  it.each([
    ["no email", { name: "X" }],
    ["a malformed email", { email: "not-an-address" }],
    ["an email with a header break", { email: "a@example.com\r\nBcc: x@evil.test" }],
  ])("R24: refuses %s with 400 invalid_request", async (_, body) => {
    const res = await api("PUT", `/v1/users/${uniqueId("user")}`, { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: "invalid_request", details: { issues: [expect.objectContaining({ path: ["email"] })] } },
    });
  });

  it("is refused to location tokens (users are provisioned by admins)", async () => {
    const loc = await createLocation();
    const res = await api("PUT", `/v1/users/${uniqueId("user")}`, {
      token: await locationToken(loc),
      body: { email: "a@example.com" },
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: "forbidden" } });
  });
});

describe("members", () => {
  it("adds a user to a location (admin or that location's token), idempotently, and removes them", async () => {
    const loc = await createLocation();
    const user = await createUser();
    for (const token of [undefined, await locationToken(loc)]) {
      const res = await api("PUT", `/v1/locations/${loc}/members/${user}`, { token, body: {} });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ member: { locationId: loc, userId: user } });
    }
    const removed = await api("DELETE", `/v1/locations/${loc}/members/${user}`, { token: await locationToken(loc) });
    expect(removed.status).toBe(204);
    expect(removed.body).toBeNull();
    const again = await api("DELETE", `/v1/locations/${loc}/members/${user}`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("accepts PUT without a body", async () => {
    const loc = await createLocation();
    const user = await createUser();
    const res = await api("PUT", `/v1/locations/${loc}/members/${user}`);
    expect(res.status).toBe(200);
  });

  it("answers 404 for an unknown user and for an unknown location", async () => {
    const loc = await createLocation();
    const user = await createUser();
    const noUser = await api("PUT", `/v1/locations/${loc}/members/${uniqueId("ghost")}`, { body: {} });
    expect(noUser.status).toBe(404);
    expect(noUser.body).toMatchObject({ error: { code: "not_found", message: expect.stringContaining("User") } });
    const noLocation = await api("PUT", `/v1/locations/${uniqueId("ghost")}/members/${user}`, { body: {} });
    expect(noLocation.status).toBe(404);
    expect(noLocation.body).toMatchObject({
      error: { code: "not_found", message: expect.stringContaining("Location") },
    });
  });

  it("R24: refuses a body that is not an object", async () => {
    const loc = await createLocation();
    const user = await createUser();
    const res = await api("PUT", `/v1/locations/${loc}/members/${user}`, { body: [1, 2] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "invalid_request" } });
  });
});
