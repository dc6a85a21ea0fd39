#!/usr/bin/env node
// `npm run smoke -- <url> [--admin-token <jwt>]`: checks a deployed instance from outside and says what is
// wrong in words an operator acts on. The admin token comes from --admin-token, SMOKE_ADMIN_TOKEN, or is
// minted (5 minutes) from API_JWT_SECRET in the environment; `--dev-vars` reads it from .dev.vars (npm start).
// The location round trip writes one location, id `smoke-check`, renamed on every run (PUT is idempotent).
import { generateKeyPair, SignJWT } from "jose";
import { parseArgs } from "node:util";
import { readDevVars } from "./dev-vars.mjs";

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { "admin-token": { type: "string" }, "dev-vars": { type: "boolean", default: false } },
});
const base = positionals[0]?.replace(/\/+$/, "");
if (!base || !URL.canParse(base)) {
  console.error("usage: npm run smoke -- https://sync.example.com [--admin-token <jwt>]");
  process.exit(2);
}

const checks = [
  ["GET /healthz answers 200 {ok:true}", checkHealth],
  ["GET /openapi.json is the API contract", checkOpenApi],
  ["GET /docs serves the API reference", checkDocs],
  ["a push with a forged token is refused 401", checkForgedPush],
  ["an API call without a token is refused 401", checkUnauthenticated],
  ["an admin token can create and read a location", checkLocationRoundTrip],
];

let failed = 0;
for (const [name, check] of checks) {
  try {
    const note = await check();
    console.log(`ok    ${name}${note ? ` (${note})` : ""}`);
  } catch (error) {
    failed++;
    console.log(`FAIL  ${name}\n      ${error.message}`);
  }
}
console.log(
  failed
    ? `\n${failed} of ${checks.length} checks failed at ${base}`
    : `\nall ${checks.length} checks passed at ${base}`,
);
process.exit(failed ? 1 : 0);

async function call(path, init = {}) {
  let response;
  try {
    response = await fetch(`${base}${path}`, { redirect: "manual", signal: AbortSignal.timeout(15_000), ...init });
  } catch (error) {
    throw new Error(
      `${base}${path} could not be reached (${error.cause?.code ?? error.message}): is the host right, is the Worker deployed and its route or custom domain set?`,
    );
  }
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, text, json };
}

async function checkHealth() {
  const r = await call("/healthz");
  if (r.status === 500 && r.json?.error?.code === "misconfigured") {
    throw new Error(
      `the service is misconfigured: ${r.json.error.message}. Set it in deploy/<env>.json (a var) or with \`wrangler secret put\` (a secret), then deploy again.`,
    );
  }
  if (r.status !== 200 || r.json?.ok !== true)
    throw new Error(`expected 200 {"ok":true}, got ${r.status} ${r.text.slice(0, 200)}`);
}

async function checkOpenApi() {
  const r = await call("/openapi.json");
  if (r.status !== 200 || !String(r.json?.openapi ?? "").startsWith("3.")) {
    throw new Error(`expected an OpenAPI 3 document, got ${r.status}: is this URL the crm-gmail-sync Worker?`);
  }
  return `${Object.keys(r.json.paths ?? {}).length} paths`;
}

async function checkDocs() {
  const r = await call("/docs");
  if (r.status !== 200 || !/html/i.test(r.headers.get("content-type") ?? "")) {
    throw new Error(
      `expected an HTML page, got ${r.status} ${r.headers.get("content-type")}: were the static assets deployed with the Worker?`,
    );
  }
}

async function checkForgedPush() {
  // A well-formed RS256 token from a key Google never published: it must fail the signature check.
  const { privateKey } = await generateKeyPair("RS256");
  const forged = await new SignJWT({ email: "attacker@example.com", email_verified: true })
    .setProtectedHeader({ alg: "RS256", kid: "forged" })
    .setIssuer("https://accounts.google.com")
    .setAudience(`${base}/webhooks/gmail`)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(privateKey);
  const data = Buffer.from(JSON.stringify({ emailAddress: "victim@example.com", historyId: "1" })).toString("base64");
  const r = await call("/webhooks/gmail", {
    method: "POST",
    headers: { authorization: `Bearer ${forged}`, "content-type": "application/json" },
    body: JSON.stringify({ message: { data, messageId: "smoke" }, subscription: "projects/x/subscriptions/y" }),
  });
  if (r.status !== 401)
    throw new Error(
      `a forged push was answered ${r.status}, not 401: the push token check is not working. Do not route Pub/Sub here until it is.`,
    );
}

async function checkUnauthenticated() {
  const r = await call("/v1/locations/smoke-check");
  if (r.status !== 401 || r.json?.error?.code !== "unauthorized") {
    throw new Error(`expected 401 unauthorized, got ${r.status} ${r.text.slice(0, 200)}: the API is open to anyone`);
  }
}

async function checkLocationRoundTrip() {
  const token = await adminToken();
  if (!token)
    throw new Error("no admin token: pass --admin-token, set SMOKE_ADMIN_TOKEN, or API_JWT_SECRET to mint one");
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const name = `Smoke check ${new Date().toISOString()}`;
  const put = await call("/v1/locations/smoke-check", { method: "PUT", headers: auth, body: JSON.stringify({ name }) });
  if (put.status === 401)
    throw new Error(
      "the admin token was refused (401): it is not signed with this deployment's API_JWT_SECRET, or it expired",
    );
  if (put.status !== 200)
    throw new Error(
      `PUT /v1/locations/smoke-check answered ${put.status} ${put.text.slice(0, 300)}: check the D1 databases and their migrations (npm run deploy applies them)`,
    );
  const got = await call("/v1/locations/smoke-check", { headers: auth });
  if (got.status !== 200 || got.json?.location?.name !== name) {
    throw new Error(`the location written was not read back (${got.status} ${got.text.slice(0, 200)})`);
  }
  return `BCC address ${got.json.location.bccAddress}`;
}

async function adminToken() {
  if (opts["admin-token"]) return opts["admin-token"];
  if (process.env.SMOKE_ADMIN_TOKEN) return process.env.SMOKE_ADMIN_TOKEN;
  const secret = opts["dev-vars"] ? readDevVars().API_JWT_SECRET : process.env.API_JWT_SECRET;
  if (!secret) return null;
  return new SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(secret));
}
