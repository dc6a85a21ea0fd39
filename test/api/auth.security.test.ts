import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { api, createLocation, signToken } from "../support/api";

const b64url = (value: object) =>
  btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;
const secret = () => new TextEncoder().encode(String(env.API_JWT_SECRET));

const UNAUTHORIZED = { error: { code: "unauthorized", message: expect.any(String) } };

describe("R24: missing, malformed, expired, forged and alg:none tokens are 401 unauthorized", () => {
  const cases: [string, () => Promise<string | null>][] = [
    ["no Authorization header", async () => null],
    ["a Basic header", async () => "Basic YWRtaW46YWRtaW4="],
    ["a bearer that is no JWT", async () => "Bearer not-a-token"],
    [
      "an expired token",
      async () => `Bearer ${await signToken({ role: "admin" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 })}`,
    ],
    [
      "a token signed with another secret",
      async () => `Bearer ${await signToken({ role: "admin" }, { secret: "some-other-secret-0123456789abcdef" })}`,
    ],
    [
      "alg:none",
      async () => `Bearer ${b64url({ alg: "none", typ: "JWT" })}.${b64url({ role: "admin", exp: inOneHour() })}.`,
    ],
    [
      "HS512 with the right secret (only HS256 is accepted)",
      async () =>
        `Bearer ${await new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS512" }).setExpirationTime("1h").sign(secret())}`,
    ],
    [
      "a token without exp",
      async () => `Bearer ${await new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS256" }).sign(secret())}`,
    ],
    [
      "a token with a tampered payload",
      async () => {
        const [header, , signature] = (await signToken({ loc: "some-loc" })).split(".");
        return `Bearer ${header}.${b64url({ role: "admin", exp: inOneHour() })}.${signature}`;
      },
    ],
    ["a token naming neither role admin nor a location", async () => `Bearer ${await signToken({ role: "viewer" })}`],
    ["a token whose loc is not a location id", async () => `Bearer ${await signToken({ loc: "a/../b" })}`],
  ];

  it.each(cases)("%s", async (_, header) => {
    const loc = await createLocation();
    const authorization = await header();
    for (const [method, path] of [
      ["GET", `/v1/locations/${loc}`],
      ["GET", `/v1/locations/${loc}/contacts`],
      ["PUT", `/v1/users/u1`],
    ] as const) {
      const res = await exports.default.fetch(
        new Request(`http://service.test${path}`, {
          method,
          headers: authorization
            ? { authorization, "content-type": "application/json" }
            : { "content-type": "application/json" },
          body: method === "PUT" ? JSON.stringify({ email: "x@example.com" }) : undefined,
        }),
      );
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(await res.json()).toEqual(UNAUTHORIZED);
    }
  });

  it("does not ask for a token on /healthz and /openapi.json", async () => {
    for (const path of ["/healthz", "/openapi.json"]) {
      const res = await api("GET", path, { token: null });
      expect(res.status, path).toBe(200);
    }
  });

  it("every /v1 route of the OpenAPI document answers 401 without a token", async () => {
    const doc = await api<{ paths: Record<string, Record<string, unknown>> }>("GET", "/openapi.json", { token: null });
    const v1 = Object.entries(doc.body.paths).filter(([path]) => path.startsWith("/v1/"));
    expect(v1.length).toBeGreaterThan(5);
    for (const [path, operations] of v1) {
      for (const method of Object.keys(operations)) {
        const concrete = path.replace(/\{[^}]+\}/g, "x");
        const verb = method.toUpperCase();
        const res = await api(verb, concrete, {
          token: null,
          body: verb === "GET" || verb === "DELETE" ? undefined : {},
        });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.body).toEqual(UNAUTHORIZED);
      }
    }
  });
});
