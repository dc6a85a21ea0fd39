import { describe, expect, it } from "vitest";
import { api, createLocation, createUser, locationToken } from "../support/api";

const settings = (loc: string) => `/v1/locations/${loc}/privacy`;
const userSettings = (loc: string, user: string) => `/v1/locations/${loc}/users/${user}/privacy`;

describe("R27: privacy settings per location and per user (API.md Privacy)", () => {
  it("R27: a new location starts with empty lists and bulk mail synced", async () => {
    const loc = await createLocation();
    const res = await api("GET", settings(loc), { token: await locationToken(loc) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ privacy: { neverLog: [], internalDomains: [], skipBulkMail: false } });
  });

  it("R27: entries are normalised (trimmed, lower-cased, duplicates dropped) and read back as stored", async () => {
    const loc = await createLocation();
    const token = await locationToken(loc);
    const body = {
      neverLog: ["  Boss@Acme.COM ", "@Partner.Example", "boss@acme.com"],
      internalDomains: ["OurCompany.com", " ourcompany.com"],
      skipBulkMail: true,
    };
    const put = await api("PUT", settings(loc), { token, body });
    const expected = {
      privacy: {
        neverLog: ["boss@acme.com", "@partner.example"],
        internalDomains: ["ourcompany.com"],
        skipBulkMail: true,
      },
    };
    expect(put).toMatchObject({ status: 200, body: expected });
    expect((await api("GET", settings(loc), { token })).body).toEqual(expected);
  });

  it("R27: a PUT that leaves a field out keeps its value (a list is never wiped by accident)", async () => {
    const loc = await createLocation();
    const token = await locationToken(loc);
    await api("PUT", settings(loc), { token, body: { neverLog: ["@acme.com"], internalDomains: ["us.test"] } });
    const put = await api("PUT", settings(loc), { token, body: { skipBulkMail: true } });
    expect(put.body).toEqual({
      privacy: { neverLog: ["@acme.com"], internalDomains: ["us.test"], skipBulkMail: true },
    });
    const cleared = await api("PUT", settings(loc), { token, body: { neverLog: [] } });
    expect(cleared.body).toEqual({ privacy: { neverLog: [], internalDomains: ["us.test"], skipBulkMail: true } });
  });

  it.each([
    ["a never-log entry that is no address nor @domain", { neverLog: ["not an address"] }, ["neverLog", "0"]],
    ["a never-log domain without its dot", { neverLog: ["@localhost"] }, ["neverLog", "0"]],
    ["a bare domain in neverLog", { neverLog: ["ok@x.test", "acme.com"] }, ["neverLog", "1"]],
    ["an @domain in internalDomains (they are bare)", { internalDomains: ["@acme.com"] }, ["internalDomains", "0"]],
    ["an address in internalDomains", { internalDomains: ["x@acme.com"] }, ["internalDomains", "0"]],
    ["1,001 entries", { neverLog: Array.from({ length: 1001 }, (_, i) => `u${i}@x.test`) }, ["neverLog"]],
    ["skipBulkMail that is no boolean", { skipBulkMail: "yes" }, ["skipBulkMail"]],
    ["an unknown field (a typo must not pass silently)", { neverlog: ["x@y.test"] }, []],
    ["a list that is no array", { neverLog: "x@y.test" }, ["neverLog"]],
  ])("R24: %s is 400 invalid_request and writes nothing", async (_name, body, path) => {
    const loc = await createLocation();
    const token = await locationToken(loc);
    await api("PUT", settings(loc), { token, body: { neverLog: ["keep@me.test"] } });
    const res = await api<{ error: { code: string; details: { issues: { path: string[] }[] } } }>(
      "PUT",
      settings(loc),
      { token, body },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
    expect(res.body.error.details.issues.map((i) => i.path)).toContainEqual(path);
    expect((await api("GET", settings(loc), { token })).body).toEqual({
      privacy: { neverLog: ["keep@me.test"], internalDomains: [], skipBulkMail: false },
    });
  });

  it("R27: exactly 1,000 entries are accepted", async () => {
    const loc = await createLocation();
    const neverLog = Array.from({ length: 1000 }, (_, i) => `u${i}@x.test`);
    const res = await api<{ privacy: { neverLog: string[] } }>("PUT", settings(loc), { body: { neverLog } });
    expect(res.status).toBe(200);
    expect(res.body.privacy.neverLog).toHaveLength(1000);
  });

  it("R27: a user's own list: read, set, validated; the user must be a member (else 404)", async () => {
    const loc = await createLocation();
    const token = await locationToken(loc);
    const user = await createUser({ locationId: loc });
    expect((await api("GET", userSettings(loc, user), { token })).body).toEqual({ privacy: { neverLog: [] } });
    const put = await api("PUT", userSettings(loc, user), {
      token,
      body: { neverLog: ["@Family.test", "Me@Home.test"] },
    });
    expect(put).toMatchObject({ status: 200, body: { privacy: { neverLog: ["@family.test", "me@home.test"] } } });
    expect((await api("GET", userSettings(loc, user), { token })).body).toEqual({
      privacy: { neverLog: ["@family.test", "me@home.test"] },
    });

    const bad = await api("PUT", userSettings(loc, user), { token, body: { neverLog: ["@"] } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    const outsider = await createUser();
    expect(await api("GET", userSettings(loc, outsider), { token })).toMatchObject({
      status: 404,
      body: { error: { code: "not_found" } },
    });
    expect(await api("PUT", userSettings(loc, outsider), { token, body: { neverLog: [] } })).toMatchObject({
      status: 404,
    });
  });

  it("R23: a user's list is kept per location: another location's list of the same user is its own", async () => {
    const a = await createLocation();
    const b = await createLocation();
    const user = await createUser({ locationId: a });
    await api("PUT", `/v1/locations/${b}/members/${user}`, { body: {} });
    await api("PUT", userSettings(a, user), { token: await locationToken(a), body: { neverLog: ["@a-only.test"] } });
    expect((await api("GET", userSettings(b, user), { token: await locationToken(b) })).body).toEqual({
      privacy: { neverLog: [] },
    });
    expect((await api("GET", settings(b), { token: await locationToken(b) })).body).toMatchObject({
      privacy: { neverLog: [] },
    });
  });
});
