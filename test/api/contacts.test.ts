import { describe, expect, it } from "vitest";
import {
  api,
  createContact,
  createLocation,
  createUser,
  locationToken,
  uniqueId,
  type ContactJson,
} from "../support/api";

type ContactList = { contacts: ContactJson[]; nextCursor: string | null };

describe("POST /v1/locations/{loc}/contacts", () => {
  it("creates a contact with a normalised address (201)", async () => {
    const loc = await createLocation();
    const res = await api("POST", `/v1/locations/${loc}/contacts`, {
      token: await locationToken(loc),
      body: { email: " Bob@Example.com ", name: "Bob" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      contact: {
        id: expect.any(String),
        locationId: loc,
        email: "bob@example.com",
        name: "Bob",
        assignedUserId: null,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    });
  });

  it("assigns a member", async () => {
    const loc = await createLocation();
    const user = await createUser({ locationId: loc });
    const contact = await createContact(loc, { email: "c@example.com", assignedUserId: user });
    expect(contact.assignedUserId).toBe(user);
  });

  it("refuses an assignedUserId that is not a member (400) and writes nothing", async () => {
    const loc = await createLocation();
    const other = await createLocation();
    const outsider = await createUser({ locationId: other });
    const email = `${uniqueId("x")}@example.com`;
    const res = await api("POST", `/v1/locations/${loc}/contacts`, { body: { email, assignedUserId: outsider } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: "invalid_request", details: { issues: [{ path: ["assignedUserId"] }] } },
    });
    const list = await api<ContactList>("GET", `/v1/locations/${loc}/contacts?email=${email}`);
    expect(list.body.contacts).toEqual([]);
  });

  it("R12: allows duplicate addresses", async () => {
    const loc = await createLocation();
    const a = await createContact(loc, { email: "dup@example.com" });
    const b = await createContact(loc, { email: "DUP@example.com" });
    expect(a.id).not.toBe(b.id);
    expect(b.email).toBe("dup@example.com");
  });
});

describe("GET /v1/locations/{loc}/contacts", () => {
  it("R12: lists contacts of an address oldest first, ties by smallest id", async () => {
    const loc = await createLocation();
    const created: ContactJson[] = [];
    for (let i = 0; i < 4; i++) created.push(await createContact(loc, { email: "same@example.com", name: `n${i}` }));
    await createContact(loc, { email: "other@example.com" });
    const res = await api<ContactList>("GET", `/v1/locations/${loc}/contacts?email=SAME@example.com`);
    expect(res.status).toBe(200);
    const expected = [...created].sort((x, y) => x.createdAt.localeCompare(y.createdAt) || (x.id < y.id ? -1 : 1));
    expect(res.body.contacts.map((c) => c.id)).toEqual(expected.map((c) => c.id));
    expect(res.body.nextCursor).toBeNull();
  });

  it("pages with limit and cursor, without gaps or repeats", async () => {
    const loc = await createLocation();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createContact(loc, { email: `p${i}@example.com` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : "limit=2";
      const res: { status: number; body: ContactList } = await api<ContactList>(
        "GET",
        `/v1/locations/${loc}/contacts?${query}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.contacts.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.contacts.map((c) => c.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toHaveLength(5);
  });

  it.each(["0", "201", "abc", "1.5", "-1"])("R24: refuses limit=%s", async (limit) => {
    const loc = await createLocation();
    const res = await api("GET", `/v1/locations/${loc}/contacts?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "invalid_request", details: { target: "query" } } });
  });

  it.each(["not-a-cursor", "eyJhIjoxfQ", "%00"])("R24: refuses a cursor it did not issue (%s)", async (cursor) => {
    const loc = await createLocation();
    const res = await api("GET", `/v1/locations/${loc}/contacts?cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: "invalid_request", details: { issues: [expect.objectContaining({ path: ["cursor"] })] } },
    });
  });

  it("defaults to 50 per page", async () => {
    const loc = await createLocation();
    for (let i = 0; i < 51; i++) await createContact(loc, { email: `d${i}@example.com` });
    const res = await api<ContactList>("GET", `/v1/locations/${loc}/contacts`);
    expect(res.body.contacts).toHaveLength(50);
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });
});

describe("GET and PATCH /v1/locations/{loc}/contacts/{contactId}", () => {
  it("reads a contact", async () => {
    const loc = await createLocation();
    const contact = await createContact(loc, { email: "r@example.com", name: "R" });
    const res = await api("GET", `/v1/locations/${loc}/contacts/${contact.id}`, { token: await locationToken(loc) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ contact });
  });

  it("answers 404 for an unknown contact", async () => {
    const loc = await createLocation();
    const res = await api("GET", `/v1/locations/${loc}/contacts/${uniqueId("ct")}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("changes only the fields given; null clears name and assignment", async () => {
    const loc = await createLocation();
    const user = await createUser({ locationId: loc });
    const contact = await createContact(loc, { email: "p@example.com", name: "P" });
    const assigned = await api("PATCH", `/v1/locations/${loc}/contacts/${contact.id}`, {
      body: { assignedUserId: user },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toEqual({ contact: { ...contact, assignedUserId: user } });
    const changed = await api("PATCH", `/v1/locations/${loc}/contacts/${contact.id}`, {
      body: { email: "NEW@example.com", name: null, assignedUserId: null },
    });
    expect(changed.body).toEqual({
      contact: { ...contact, email: "new@example.com", name: null, assignedUserId: null },
    });
    const empty = await api("PATCH", `/v1/locations/${loc}/contacts/${contact.id}`, { body: {} });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(changed.body);
  });

  it("refuses to assign a non-member (400) and leaves the contact as it was", async () => {
    const loc = await createLocation();
    const stranger = await createUser();
    const contact = await createContact(loc, { email: "q@example.com" });
    const res = await api("PATCH", `/v1/locations/${loc}/contacts/${contact.id}`, {
      body: { name: "Changed", assignedUserId: stranger },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "invalid_request" } });
    const after = await api("GET", `/v1/locations/${loc}/contacts/${contact.id}`);
    expect(after.body).toEqual({ contact });
  });

  it("answers 404 when patching an unknown contact", async () => {
    const loc = await createLocation();
    const res = await api("PATCH", `/v1/locations/${loc}/contacts/${uniqueId("ct")}`, { body: { name: "x" } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });
});
