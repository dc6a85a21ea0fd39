/**
 * What both benches share: the service bundled for workerd, started in Miniflare (real D1, the mailbox
 * Durable Object, R2, send_email) with its D1 migrations, and a connected bench mailbox provisioned through
 * the real API and the emulator's consent. Each bench adds its own emulator options and measurements.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { SignJWT } from "jose";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { tsImport } from "tsx/esm/api";

// The bench's world is the test suite's: one source for what the service and the emulator must agree on.
const presets = await tsImport("../emulator/presets.ts", import.meta.url);
const { TEST_GOOGLE, TEST_ORIGINS, TEST_SECRETS } = presets;

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SERVICE = TEST_ORIGINS.service;
export const GOOGLE = TEST_ORIGINS.google;
export const SECRET = TEST_SECRETS.API_JWT_SECRET;
export const CLIENT = {
  clientId: TEST_GOOGLE.clientId,
  clientSecret: TEST_GOOGLE.clientSecret,
  redirectUri: TEST_GOOGLE.redirectUri,
};
export const TOPIC = TEST_GOOGLE.topic;
export const AUDIENCE = TEST_GOOGLE.pushAudience;
export const PUSH_ACCOUNT = TEST_GOOGLE.pushServiceAccount;

/**
 * The Google emulator's settings every bench shares: the bench's OAuth client and its Pub/Sub subscription
 * pushing to the service; `extra` adds a bench's quotas.
 */
export function benchGoogleSettings(extra) {
  return {
    clients: [{ clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, redirectUris: [CLIENT.redirectUri] }],
    subscriptions: [
      {
        name: "projects/bench/subscriptions/s",
        topic: TOPIC,
        endpoint: AUDIENCE,
        audience: AUDIENCE,
        serviceAccountEmail: PUSH_ACCOUNT,
      },
    ],
    ...extra,
  };
}

/** The Worker as one ES module for workerd: `entry` is src/index.ts or a bench-only wrapper of it. */
export async function bundle(entry) {
  const out = await build({
    entryPoints: [`${ROOT}/${entry}`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

/**
 * Miniflare running `script` with the service's bindings (`settings` override the defaults) and, as in
 * wrangler.toml, two location databases (DB, also the directory, and DB_2), migrations applied to both.
 */
export async function startWorker({ script, outbound, dbName, settings = {}, queues = {}, inspectorPort }) {
  // Miniflare 5 takes a new option shape; the v4 one (documented everywhere) converts.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script,
      compatibilityDate: "2026-11-01",
      compatibilityFlags: ["nodejs_compat"],
      d1Databases: { DB: dbName, DB_2: `${dbName}-2` },
      r2Buckets: ["ATTACHMENTS"],
      durableObjects: { MAILBOX: { className: "Mailbox", useSQLite: true } },
      email: { send_email: [{ name: "EMAIL" }] },
      // The queues of wrangler.toml a bench needs, real under Miniflare: { BINDING: { queue, consumer? } }.
      queueProducers: Object.fromEntries(Object.entries(queues).map(([binding, q]) => [binding, q.queue])),
      queueConsumers: Object.fromEntries(
        Object.values(queues)
          .filter((q) => q.consumer)
          .map((q) => [q.queue, q.consumer]),
      ),
      bindings: {
        ...presets.serviceGoogleClient(TEST_GOOGLE),
        ...presets.serviceGoogleUrls(TEST_ORIGINS),
        ...TEST_SECRETS,
        BCC_DOMAIN: "log.bench.test",
        ALLOWED_RETURN_ORIGINS: "https://app.bench.test",
        LOCATION_DATABASES: "DB,DB_2",
        ...settings,
      },
      outboundService: outbound,
      // The send bench reads each isolate's heap and collects its garbage through workerd's inspector.
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
    }),
  );
  const db = await mf.getD1Database("DB");
  const db2 = await mf.getD1Database("DB_2");
  for (const file of readdirSync(`${ROOT}/migrations`)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    for (const statement of readFileSync(`${ROOT}/migrations/${file}`, "utf8").split("--> statement-breakpoint")) {
      if (!statement.trim()) continue;
      await db.prepare(statement).run();
      await db2.prepare(statement).run();
    }
  }
  return { mf, db, db2 };
}

/**
 * Location "bench", user "u1" (a member), one contact, and `account` connected through the real connect
 * route, the emulator's consent and the real callback. Answers the admin token, the API caller, the
 * emulator's control caller and the contact.
 */
export async function connectBenchMailbox(mf, google, account) {
  const token = await new SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("2h")
    .sign(new TextEncoder().encode(SECRET));
  const call = async (method, path, body) => {
    const res = await mf.dispatchFetch(`${SERVICE}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const control = async (method, path, body) => {
    const res = await google.fetch(
      new Request(`${GOOGLE}/__emulator${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return res.json();
  };
  await call("PUT", "/v1/locations/bench", { name: "Bench" });
  await call("PUT", "/v1/users/u1", { email: "u1@crm.bench.test", name: "Bench User" });
  await call("PUT", "/v1/locations/bench/members/u1", {});
  const { contact } = await call("POST", "/v1/locations/bench/contacts", {
    email: "contact@client.bench.test",
    name: "Contact",
  });
  await control("POST", "/accounts", { email: account });
  const { authorizationUrl } = await call("POST", "/v1/locations/bench/users/u1/mailbox/connect", {});
  // R32: the connect link sets a cookie and sends on to Google; the callback needs that cookie back.
  const start = await mf.dispatchFetch(authorizationUrl, { redirect: "manual" });
  const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0];
  const { redirectUrl } = await control("POST", "/oauth/consent", {
    authorizationUrl: start.headers.get("location"),
    account,
  });
  const callback = await mf.dispatchFetch(redirectUrl, { redirect: "manual", headers: { cookie } });
  if (!String(callback.headers.get("location") ?? (await callback.text())).includes("connected"))
    throw new Error("bench: connect failed");
  return { token, call, control, contact };
}

export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
export const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
