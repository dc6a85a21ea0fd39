import { describe, expect, it } from "vitest";
import { api, createLocation, locationToken, uniqueId } from "../support/api";

const BCC_ADDRESS = /^([a-z2-7]{26,})@log\.crm\.test$/;

describe("PUT /v1/locations/{locationId}", () => {
  it("creates a location with an unguessable lower-case BCC address (R19)", async () => {
    const id = uniqueId("loc");
    const res = await api("PUT", `/v1/locations/${id}`, { body: { name: "Acme Dental" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      location: {
        id,
        name: "Acme Dental",
        bccAddress: expect.stringMatching(BCC_ADDRESS),
        createdAt: expect.any(String),
      },
    });
  });

  it("renames and keeps the BCC address and creation time", async () => {
    const id = uniqueId("loc");
    const first = await api<{ location: { bccAddress: string; createdAt: string } }>("PUT", `/v1/locations/${id}`, {
      body: { name: "Old" },
    });
    const second = await api<{ location: { name: string; bccAddress: string; createdAt: string } }>(
      "PUT",
      `/v1/locations/${id}`,
      {
        body: { name: "New" },
      },
    );
    expect(second.status).toBe(200);
    expect(second.body.location).toMatchObject({
      name: "New",
      bccAddress: first.body.location.bccAddress,
      createdAt: first.body.location.createdAt,
    });
  });

  it("gives every location its own BCC address", async () => {
    const a = await api<{ location: { bccAddress: string } }>("PUT", `/v1/locations/${uniqueId("loc")}`, {
      body: { name: "A" },
    });
    const b = await api<{ location: { bccAddress: string } }>("PUT", `/v1/locations/${uniqueId("loc")}`, {
      body: { name: "B" },
    });
    expect(a.body.location.bccAddress).not.toBe(b.body.location.bccAddress);
  });

  it.each([
    ["an empty name", { name: "  " }],
    ["no name", {}],
    ["a name that is not a string", { name: 42 }],
  ])("R24: refuses %s with 400 invalid_request", async (_, body) => {
    const res = await api("PUT", `/v1/locations/${uniqueId("loc")}`, { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: "invalid_request", details: { issues: [expect.objectContaining({ path: ["name"] })] } },
    });
  });

  it.each(["has space", "x".repeat(65), "semi;colon"])("R24: refuses the location id %j", async (id) => {
    const res = await api("PUT", `/v1/locations/${encodeURIComponent(id)}`, { body: { name: "X" } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "invalid_request", details: { target: "param" } } });
  });

  it("is refused to a location token, even of that location", async () => {
    const id = await createLocation();
    const res = await api("PUT", `/v1/locations/${id}`, { token: await locationToken(id), body: { name: "Mine" } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: "forbidden" } });
  });
});

describe("GET /v1/locations/{locationId}", () => {
  it("answers the location to an admin and to its own location token", async () => {
    const id = await createLocation(uniqueId("loc"), "Readable");
    for (const token of [undefined, await locationToken(id)]) {
      const res = await api("GET", `/v1/locations/${id}`, { token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        location: { id, name: "Readable", bccAddress: expect.stringMatching(BCC_ADDRESS) },
      });
    }
  });

  it("answers 404 for an unknown location", async () => {
    const res = await api("GET", `/v1/locations/${uniqueId("nope")}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });
});
