/**
 * Small helpers for API tests: tokens signed like the CRM's, a request helper that goes through the
 * Worker's own fetch (in workerd, real D1), unique ids (storage is shared by the tests of one file), and
 * provisioning shortcuts. Every helper goes through the public API unless its name says otherwise.
 */
import { env, exports } from "cloudflare:workers";
import { SignJWT, type JWTPayload } from "jose";
import type { z } from "zod";
import { TEST_ORIGINS } from "../../emulator/presets";
import type { Contact } from "../../src/http/schemas/contacts";

export type ContactJson = z.infer<typeof Contact>;

export const BASE_URL: string = TEST_ORIGINS.service;

/** A signed API token; `claims` and `expiresIn` override the defaults (1 hour). */
export async function signToken(claims: JWTPayload, options: { expiresIn?: string | number; secret?: string } = {}) {
  const secret = new TextEncoder().encode(options.secret ?? String(env.API_JWT_SECRET));
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "1h")
    .sign(secret);
}

export const adminToken = () => signToken({ role: "admin" });
export const locationToken = (locationId: string) => signToken({ loc: locationId });

export interface ApiOptions {
  token?: string | null;
  /** JSON-encoded unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** The raw Response of `method path` against the Worker. */
export async function fetchApi(method: string, path: string, options: ApiOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return exports.default.fetch(new Request(`${BASE_URL}${path}`, { method, headers, body }));
}

export interface ApiResult<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty body. */
  body: T;
}

/** `method path`, answer parsed; the token defaults to an admin token (pass `token: null` for none). */
export async function api<T = unknown>(method: string, path: string, options: ApiOptions = {}): Promise<ApiResult<T>> {
  const token = options.token === undefined ? await adminToken() : options.token;
  const res = await fetchApi(method, path, { ...options, token });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === "" ? null : JSON.parse(text)) as T };
}

/** A fresh id for a test's own objects, e.g. uniqueId("loc") → "loc-1a2b3c4d". */
export function uniqueId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** PUT a new location (admin) and return its id. */
export async function createLocation(id = uniqueId("loc"), name = `Location ${id}`): Promise<string> {
  const res = await api("PUT", `/v1/locations/${id}`, { body: { name } });
  if (res.status !== 200) throw new Error(`createLocation: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}

/** PUT a new user (admin), optionally as a member of `locationId`, and return its id. */
export async function createUser(
  options: { locationId?: string; email?: string; name?: string } = {},
): Promise<string> {
  const id = uniqueId("user");
  const res = await api("PUT", `/v1/users/${id}`, {
    body: { email: options.email ?? `${id}@example.com`, name: options.name },
  });
  if (res.status !== 200) throw new Error(`createUser: ${res.status} ${JSON.stringify(res.body)}`);
  if (options.locationId) {
    const member = await api("PUT", `/v1/locations/${options.locationId}/members/${id}`, { body: {} });
    if (member.status !== 200) throw new Error(`createUser member: ${member.status} ${JSON.stringify(member.body)}`);
  }
  return id;
}

/** POST a contact and return it as the API answers it. */
export async function createContact(
  locationId: string,
  body: { email: string; name?: string; assignedUserId?: string },
): Promise<ContactJson> {
  const res = await api<{ contact: ContactJson }>("POST", `/v1/locations/${locationId}/contacts`, { body });
  if (res.status !== 201) throw new Error(`createContact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.contact;
}
