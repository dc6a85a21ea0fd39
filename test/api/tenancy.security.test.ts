import { describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { api, createContact, createLocation, createUser, locationToken, uniqueId } from "../support/api";
import { allDatabases } from "../support/databases";
import { insertAttachment, insertConversation, insertMessage } from "../support/rows";

type Operation = { requestBody?: unknown };
type Doc = { paths: Record<string, Record<string, Operation>> };

/** Every route of the document, as [METHOD, path template]. */
async function routeTable(): Promise<[string, string][]> {
  const doc = await api<Doc>("GET", "/openapi.json", { token: null });
  return Object.entries(doc.body.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => [m.toUpperCase(), path] as [string, string]),
  );
}

/** The other location's objects, by the path parameter that names them. */
async function otherLocationObjects() {
  const loc = await createLocation();
  const userId = await createUser({ locationId: loc });
  const contact = await createContact(loc, { email: `${uniqueId("b")}@example.com`, name: "B's contact" });
  const conversation = await insertConversation({ locationId: loc, contactId: contact.id });
  const message = await insertMessage({ locationId: loc, conversationId: conversation.id, contactId: contact.id });
  const attachment = await insertAttachment({ locationId: loc, messageId: message.id, storageKey: `${loc}/x` });
  const webhook = await api<{ webhook: { id: string } }>("POST", `/v1/locations/${loc}/webhooks`, {
    body: { url: "https://b.hooks.test/events", events: ["*"] },
  });
  return {
    locationId: loc,
    params: {
      userId,
      contactId: contact.id,
      conversationId: conversation.id,
      messageId: message.id,
      attachmentId: attachment.id,
      webhookId: webhook.body.webhook.id,
    } as Record<string, string>,
    contact,
  };
}

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined)
      throw new Error(`R23 walk: no fixture id for {${name}} in ${template}; add one to otherLocationObjects()`);
    return value;
  });
}

/** Routes under one's own location that may legitimately name an object of another location, and why. */
/** Required query parameters, so that the walks reach the wall rather than stop at validation (400). */
const REQUIRED_QUERY: Record<string, string> = {
  "GET /v1/locations/{locationId}/users/{userId}/mailbox/explain": "?gmailMessageId=0123456789abcdef",
};
/** A valid body for routes whose body has required fields, so that only the object's location decides. */
const VALID_BODY: Record<string, unknown> = {
  "PATCH /v1/locations/{locationId}/messages/{messageId}": { unread: false },
  "POST /v1/locations/{locationId}/webhooks": { url: "https://a.hooks.test/events", events: ["*"] },
  "POST /v1/locations/{locationId}/webhooks/{webhookId}/replay": { since: new Date().toISOString() },
};
const bodyFor = (method: string, template: string) =>
  method === "GET" || method === "DELETE" ? undefined : (VALID_BODY[`${method} ${template}`] ?? {});

const OWN_PATH_EXEMPT: Record<string, string> = {
  "PUT /v1/locations/{locationId}/members/{userId}":
    "users are global: adding any provisioned user to one's own location is allowed",
};

describe("R23: tenants are walled off", () => {
  it("every route of the app is in the OpenAPI document, so the walks below cannot miss one", async () => {
    const documented = new Set((await routeTable()).map(([m, p]) => `${m} ${p}`));
    const served = createApp()
      .routes.filter((r) => r.method !== "ALL" && r.path !== "/openapi.json")
      .map((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, "{$1}")}`);
    expect(served.length).toBeGreaterThan(10);
    for (const route of served) expect(documented, route).toContain(route);
  });

  it("a location token gets 403 forbidden on every route of another location", async () => {
    const mine = await createLocation();
    const token = await locationToken(mine);
    const other = await otherLocationObjects();
    const routes = (await routeTable()).filter(([, path]) => path.startsWith("/v1/"));
    for (const [method, template] of routes) {
      const params = { ...other.params, locationId: other.locationId };
      const res = await api(method, fill(template, params) + (REQUIRED_QUERY[`${method} ${template}`] ?? ""), {
        token,
        body: bodyFor(method, template),
      });
      expect(res.status, `${method} ${template}`).toBe(403);
      expect(res.body, `${method} ${template}`).toEqual({ error: { code: "forbidden", message: expect.any(String) } });
    }
  });

  it("another location's object ids under one's own location path are 404 not_found, and nothing changes", async () => {
    const mine = await createLocation();
    const token = await locationToken(mine);
    const other = await otherLocationObjects();
    const routes = (await routeTable()).filter(
      ([method, path]) =>
        path.startsWith("/v1/locations/{locationId}/") &&
        /\{(?!locationId\})[^}]+\}/.test(path) &&
        !OWN_PATH_EXEMPT[`${method} ${path}`],
    );
    expect(routes.length).toBeGreaterThanOrEqual(7);
    for (const [method, template] of routes) {
      const res = await api(
        method,
        fill(template, { ...other.params, locationId: mine }) + (REQUIRED_QUERY[`${method} ${template}`] ?? ""),
        {
          token,
          body: bodyFor(method, template),
        },
      );
      expect(res.status, `${method} ${template}`).toBe(404);
      expect(res.body, `${method} ${template}`).toMatchObject({ error: { code: "not_found" } });
    }
    const stillThere = await api("GET", `/v1/locations/${other.locationId}/contacts/${other.contact.id}`);
    expect(stillThere.body).toEqual({ contact: other.contact });
    const memberships: string[] = [];
    for (const { d1 } of allDatabases()) {
      const rows = await d1
        .prepare("SELECT location_id FROM members WHERE user_id = ?")
        .bind(other.params.userId ?? "")
        .all<{ location_id: string }>();
      memberships.push(...rows.results.map((m) => m.location_id));
    }
    expect(memberships).toEqual([other.locationId]);
  });

  it("lists under one's own location never show another location's rows", async () => {
    const mine = await createLocation();
    const other = await otherLocationObjects();
    const token = await locationToken(mine);
    for (const path of [
      "contacts",
      `contacts?email=${other.contact.email}`,
      "conversations",
      `conversations?contactId=${other.contact.id}`,
      "webhooks",
      "events",
    ]) {
      const res = await api<Record<string, unknown[]>>("GET", `/v1/locations/${mine}/${path}`, { token });
      expect(res.status, path).toBe(200);
      expect(Object.values(res.body).find(Array.isArray), path).toEqual([]);
    }
  });

  it("location tokens may not provision: PUT location (even their own) and PUT user are 403", async () => {
    const mine = await createLocation();
    const token = await locationToken(mine);
    for (const [path, body] of [
      [`/v1/locations/${mine}`, { name: "Renamed" }],
      [`/v1/locations/${uniqueId("new")}`, { name: "New" }],
      [`/v1/users/${uniqueId("user")}`, { email: "x@example.com" }],
    ] as const) {
      const res = await api("PUT", path, { token, body });
      expect(res.status, path).toBe(403);
      expect(res.body).toEqual({ error: { code: "forbidden", message: expect.any(String) } });
    }
    const unchanged = await api("GET", `/v1/locations/${mine}`);
    expect(unchanged.body).toMatchObject({ location: { name: `Location ${mine}` } });
  });
});
