import { describe, expect, it } from "vitest";
import { allowedMethods } from "../../../src/http/allowed-methods";

const ROUTES = [
  { method: "ALL", path: "/v1/*" },
  { method: "GET", path: "/healthz" },
  { method: "GET", path: "/v1/locations/:locationId/contacts" },
  { method: "POST", path: "/v1/locations/:locationId/contacts" },
  { method: "GET", path: "/v1/locations/:locationId/contacts/:contactId" },
  { method: "PATCH", path: "/v1/locations/:locationId/contacts/:contactId" },
];

describe("allowedMethods: 405 for a known path, 404 for an unknown one", () => {
  it.each([
    ["/healthz", ["GET", "HEAD"]],
    ["/v1/locations/a/contacts", ["GET", "HEAD", "POST"]],
    ["/v1/locations/a/contacts/", []],
    ["/v1/locations/a/contacts/c1", ["GET", "HEAD", "PATCH"]],
    ["/v1/locations/a/contacts/c1/x", []],
    ["/v1/locations//contacts", []],
    ["/v1/anything", []],
    ["/healthzz", []],
  ])("%s → %j", (path, methods) => {
    expect(allowedMethods(ROUTES, path)).toEqual(methods);
  });
});
