import { describe, expect, it } from "vitest";
import { api } from "../support/api";

type Operation = {
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown> }>;
    securitySchemes: Record<string, unknown>;
  };
};

/** The routes of docs/api.md's sections Provisioning, Contacts, Conversations and messages, /healthz. */
const CONTRACT: [string, string, string][] = [
  ["put", "/v1/locations/{locationId}", "200"],
  ["get", "/v1/locations/{locationId}", "200"],
  ["put", "/v1/users/{userId}", "200"],
  ["put", "/v1/locations/{locationId}/members/{userId}", "200"],
  ["delete", "/v1/locations/{locationId}/members/{userId}", "204"],
  ["post", "/v1/locations/{locationId}/contacts", "201"],
  ["get", "/v1/locations/{locationId}/contacts", "200"],
  ["get", "/v1/locations/{locationId}/contacts/{contactId}", "200"],
  ["patch", "/v1/locations/{locationId}/contacts/{contactId}", "200"],
  ["get", "/v1/locations/{locationId}/conversations", "200"],
  ["get", "/v1/locations/{locationId}/conversations/{conversationId}", "200"],
  ["get", "/v1/locations/{locationId}/conversations/{conversationId}/messages", "200"],
  ["get", "/v1/locations/{locationId}/messages/{messageId}", "200"],
  ["patch", "/v1/locations/{locationId}/messages/{messageId}", "200"],
  ["get", "/v1/locations/{locationId}/messages/{messageId}/attachments/{attachmentId}", "200"],
  ["get", "/healthz", "200"],
];

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document describing every route of the contract", async () => {
    const res = await api<Doc>("GET", "/openapi.json", { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    for (const [method, path, status] of CONTRACT) {
      const operation = res.body.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(Object.keys(operation?.responses ?? {}), `${method} ${path}`).toContain(status);
    }
  });

  it("marks every /v1 operation as bearer-authenticated and documents its path parameters", async () => {
    const doc = (await api<Doc>("GET", "/openapi.json", { token: null })).body;
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    for (const [path, operations] of Object.entries(doc.paths).filter(([p]) => p.startsWith("/v1/"))) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        const documented = (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        expect(documented.sort(), `${method} ${path}`).toEqual([...names].sort());
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain("401");
      }
    }
  });

  it("describes the request bodies and docs/api.md's shapes from the zod schemas", async () => {
    const doc = (await api<Doc>("GET", "/openapi.json", { token: null })).body;
    expect(
      doc.paths["/v1/locations/{locationId}/contacts"]?.post?.requestBody?.content["application/json"],
    ).toBeDefined();
    expect(Object.keys(doc.components.schemas.Message?.properties ?? {}).sort()).toEqual(
      [
        "id",
        "locationId",
        "conversationId",
        "contactId",
        "direction",
        "source",
        "provider",
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "text",
        "html",
        "sentAt",
        "messageIdHeader",
        "gmail",
        "unread",
        "gmailState",
        "attachments",
      ].sort(),
    );
    // R26: the message state route, with its body and docs/api.md's fields.
    const patch = doc.paths["/v1/locations/{locationId}/messages/{messageId}"]?.patch;
    expect(patch?.requestBody?.content["application/json"]).toBeDefined();
    expect(Object.keys(doc.components.schemas.UpdateMessage?.properties ?? {})).toEqual(["unread"]);
    expect(Object.keys(doc.components.schemas.Error?.properties ?? {})).toEqual(["error"]);
    const contactsQuery = doc.paths["/v1/locations/{locationId}/contacts"]?.get?.parameters?.map((p) => p.name);
    expect(contactsQuery).toEqual(expect.arrayContaining(["limit", "cursor", "email"]));
  });
});
