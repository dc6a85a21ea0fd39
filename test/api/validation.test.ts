import { describe, expect, it } from "vitest";
import { api, createContact, createLocation, createUser, uniqueId } from "../support/api";
import { snapshotTables } from "../support/snapshot";

/**
 * R24: a request that fails validation answers 400 invalid_request with the zod issues in details, and
 * writes nothing: every table is compared row by row before and after.
 */
describe("R24: invalid bodies are 400 with zod details and write nothing", () => {
  async function fixture() {
    const loc = await createLocation();
    const member = await createUser({ locationId: loc });
    const stranger = await createUser();
    const contact = await createContact(loc, { email: `${uniqueId("v")}@example.com`, name: "Val" });
    return { loc, member, stranger, contact };
  }

  type Case = [string, (f: Awaited<ReturnType<typeof fixture>>) => [string, string, unknown], string[]];
  const cases: Case[] = [
    ["PUT location without name", (_f) => ["PUT", `/v1/locations/${uniqueId("loc")}`, {}], ["name"]],
    [
      "PUT location with a too long name",
      (f) => ["PUT", `/v1/locations/${f.loc}`, { name: "x".repeat(300) }],
      ["name"],
    ],
    ["PUT user with a bad email", (_f) => ["PUT", `/v1/users/${uniqueId("u")}`, { email: "nope" }], ["email"]],
    [
      "PUT user renaming with a non-string name",
      (f) => ["PUT", `/v1/users/${f.member}`, { email: "a@example.com", name: 7 }],
      ["name"],
    ],
    ["POST contact without email", (f) => ["POST", `/v1/locations/${f.loc}/contacts`, { name: "N" }], ["email"]],
    ["POST contact with a bad email", (f) => ["POST", `/v1/locations/${f.loc}/contacts`, { email: "a@b" }], ["email"]],
    [
      "POST contact with a malformed assignedUserId",
      (f) => ["POST", `/v1/locations/${f.loc}/contacts`, { email: "ok@example.com", assignedUserId: "a b" }],
      ["assignedUserId"],
    ],
    [
      "POST contact assigned to a non-member",
      (f) => ["POST", `/v1/locations/${f.loc}/contacts`, { email: "ok@example.com", assignedUserId: f.stranger }],
      ["assignedUserId"],
    ],
    [
      "PATCH contact with a bad email",
      (f) => ["PATCH", `/v1/locations/${f.loc}/contacts/${f.contact.id}`, { email: "bad", name: "Changed" }],
      ["email"],
    ],
    [
      "PATCH contact assigned to a non-member",
      (f) => [
        "PATCH",
        `/v1/locations/${f.loc}/contacts/${f.contact.id}`,
        { name: "Changed", assignedUserId: f.stranger },
      ],
      ["assignedUserId"],
    ],
    [
      "POST contact with an array body",
      (f) => ["POST", `/v1/locations/${f.loc}/contacts`, [{ email: "ok@example.com" }]],
      [],
    ],
  ];

  it.each(cases)("%s", async (_, build, paths) => {
    const f = await fixture();
    const [method, path, body] = build(f);
    const before = await snapshotTables();
    const res = await api(method, path, { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: "invalid_request", message: expect.any(String), details: { issues: expect.any(Array) } },
    });
    const issues = (res.body as { error: { details: { issues: { path: string[] }[] } } }).error.details.issues;
    for (const field of paths) expect(issues.map((i) => i.path[0])).toContain(field);
    expect(await snapshotTables()).toEqual(before);
  });

  it("malformed JSON, a wrong media type and an oversized body write nothing either", async () => {
    const f = await fixture();
    const before = await snapshotTables();
    const malformed = await api("POST", `/v1/locations/${f.loc}/contacts`, { body: '{"email": "a@example.com",' });
    expect(malformed.status).toBe(400);
    const text = await api("POST", `/v1/locations/${f.loc}/contacts`, {
      body: "email=a@example.com",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
    const huge = await api("POST", `/v1/locations/${f.loc}/contacts`, {
      body: { email: "a@example.com", name: "x".repeat(1_100_000) },
    });
    expect(huge.status).toBe(413);
    expect(await snapshotTables()).toEqual(before);
  });
});
