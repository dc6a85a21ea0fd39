/**
 * Bench of the sync path (issue 5): a burst of 1,000 inbound contact emails to one mailbox, announced by
 * one push, synced by the mailbox Durable Object in workerd (Miniflare: real D1, real DO and alarms)
 * against the Google emulator in this process, its quota at 15,000 units per minute. Then the webhook's
 * answer latency over 500 pushes.
 *
 *   node bench/sync.mjs            (or imported by bench/run.mjs: `benchSync()` returns the figures)
 *
 * Figures: messages/second from the push's arrival to the last row in D1; its ratio to the quota bound
 * (quota units per second ÷ quota units per message); Gmail quota units and HTTP requests per message
 * (the emulator's counters and the requests seen leaving the Worker); D1 statements per message (counted
 * from what the sync sends: 4 reads per chunk for routing, then one batch of 4 statements per message and
 * one recount per conversation, see db/message-store.ts); 429s and when they came.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { SignJWT } from "jose";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { tsImport } from "tsx/esm/api";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SERVICE = "http://service.test";
const GOOGLE = "http://google.test";
const SECRET = "bench-api-jwt-secret-0123456789abcdef";
const CLIENT = { clientId: "bench-client.apps.googleusercontent.com", clientSecret: "bench-secret", redirectUri: `${SERVICE}/oauth/google/callback` };
const TOPIC = "projects/bench/topics/gmail";
const AUDIENCE = `${SERVICE}/webhooks/gmail`;
const PUSH_ACCOUNT = "push@bench.iam.gserviceaccount.com";
const QUOTA_PER_MINUTE = 15_000;

async function bundle() {
  const out = await build({
    entryPoints: [`${ROOT}/src/index.ts`],
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

/** The emulator, and a wrapper that counts the HTTP requests reaching it and notes every 429 seen. */
async function startGoogle(stats) {
  const { createGoogleEmulator } = await tsImport("../emulator/index.ts", import.meta.url);
  const google = createGoogleEmulator({
    clients: [{ clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, redirectUris: [CLIENT.redirectUri] }],
    subscriptions: [{ name: "projects/bench/subscriptions/s", topic: TOPIC, endpoint: AUDIENCE, audience: AUDIENCE, serviceAccountEmail: PUSH_ACCOUNT }],
    quotaPerMinute: QUOTA_PER_MINUTE,
  });
  const outbound = async (request) => {
    const path = new URL(request.url).pathname;
    const gmail = path.startsWith("/gmail/") || path.startsWith("/batch/");
    if (gmail) stats.requests += 1;
    const response = await google.fetch(request);
    const body = await response.arrayBuffer();
    if (gmail) {
      const text = new TextDecoder().decode(body);
      const limited = response.status === 429 ? 1 : (text.match(/^HTTP\/1\.1 429/gm) ?? []).length;
      if (limited > 0) stats.rateLimited.push({ atMs: performance.now(), count: limited });
      if (path.startsWith("/batch/")) stats.batches += 1;
    }
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { google, outbound };
}

async function startWorker(script, outbound) {
  const mf = new Miniflare(convertV4MiniflareOptions({
    modules: true,
    script,
    compatibilityDate: "2026-11-01",
    compatibilityFlags: ["nodejs_compat"],
    d1Databases: { DB: "bench-sync-db" },
    r2Buckets: ["ATTACHMENTS"],
    durableObjects: { MAILBOX: { className: "Mailbox", useSQLite: true } },
    email: { send_email: [{ name: "EMAIL" }] },
    bindings: {
      GOOGLE_CLIENT_ID: CLIENT.clientId, GOOGLE_CLIENT_SECRET: CLIENT.clientSecret, OAUTH_REDIRECT_URL: CLIENT.redirectUri,
      GOOGLE_AUTH_URL: `${GOOGLE}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${GOOGLE}/token`, GOOGLE_REVOKE_URL: `${GOOGLE}/revoke`,
      GOOGLE_CERTS_URL: `${GOOGLE}/oauth2/v3/certs`, GMAIL_API_URL: GOOGLE, PUBSUB_TOPIC: TOPIC, PUBSUB_AUDIENCE: AUDIENCE,
      PUBSUB_SERVICE_ACCOUNT: PUSH_ACCOUNT, API_JWT_SECRET: SECRET,
      TOKEN_ENCRYPTION_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", BCC_DOMAIN: "log.bench.test",
      ALLOWED_RETURN_ORIGINS: "https://app.bench.test", GMAIL_USER_QUOTA_PER_MINUTE: String(QUOTA_PER_MINUTE),
    },
    outboundService: outbound,
  }));
  const db = await mf.getD1Database("DB");
  for (const file of readdirSync(`${ROOT}/migrations`).filter((f) => f.endsWith(".sql")).sort()) {
    for (const statement of readFileSync(`${ROOT}/migrations/${file}`, "utf8").split("--> statement-breakpoint")) {
      if (statement.trim()) await db.prepare(statement).run();
    }
  }
  return { mf, db };
}

async function setUp(mf, google) {
  const token = await new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("2h").sign(new TextEncoder().encode(SECRET));
  const call = async (method, path, body) => {
    const res = await mf.dispatchFetch(`${SERVICE}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const control = async (method, path, body) => {
    const res = await google.fetch(new Request(`${GOOGLE}/__emulator${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }));
    return res.json();
  };
  const account = "bench.sync@gmail.com";
  await call("PUT", "/v1/locations/bench", { name: "Bench" });
  await call("PUT", "/v1/users/u1", { email: "u1@crm.bench.test", name: "Bench User" });
  await call("PUT", "/v1/locations/bench/members/u1", {});
  const { contact } = await call("POST", "/v1/locations/bench/contacts", { email: "contact@client.bench.test", name: "Contact" });
  await control("POST", "/accounts", { email: account });
  const { authorizationUrl } = await call("POST", "/v1/locations/bench/users/u1/mailbox/connect", {});
  const { redirectUrl } = await control("POST", "/oauth/consent", { authorizationUrl, account });
  const callback = await mf.dispatchFetch(redirectUrl, { redirect: "manual" });
  if (!String(callback.headers.get("location") ?? (await callback.text())).includes("connected")) throw new Error("bench: connect failed");
  return { account, contact, control };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function countRows(db) {
  return (await db.prepare("SELECT count(*) AS n FROM messages WHERE location_id = 'bench'").first()).n;
}

export async function benchSync({ burst = 1000, pushes = 500 } = {}) {
  const stats = { requests: 0, batches: 0, rateLimited: [] };
  const { google, outbound } = await startGoogle(stats);
  const { mf, db } = await startWorker(await bundle(), outbound);
  try {
    const { account, contact, control } = await setUp(mf, google);
    for (let i = 0; i < burst; i++) {
      await control("POST", `/accounts/${account}/messages`, { from: { email: contact.email, name: "Contact" }, to: account, subject: `Burst ${i}`, text: `Message ${i} of the burst.\n`.repeat(20) });
    }
    // Gmail spaces pushes a second apart; the burst is announced by the one push naming its last id.
    const { deliveries } = await control("POST", "/pubsub/pull", { account });
    const last = deliveries.at(-1);
    for (const d of deliveries) await control("POST", "/pubsub/ack", { deliveryId: d.deliveryId, status: 204 });
    await control("DELETE", `/accounts/${account}/counters`);
    stats.requests = 0;
    stats.batches = 0;

    const started = performance.now();
    const answer = await mf.dispatchFetch(last.url, { method: "POST", headers: last.headers, body: last.body });
    if (answer.status !== 204) throw new Error(`bench: push answered ${answer.status}`);
    let stored = 0;
    while (stored < burst) {
      if (performance.now() - started > 600_000) throw new Error(`bench: only ${stored} of ${burst} stored after 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      stored = await countRows(db);
    }
    const seconds = (performance.now() - started) / 1000;
    const used = await control("GET", `/accounts/${account}/counters`);
    const unitsPerMessage = used.totalUnits / burst;
    const quotaBound = QUOTA_PER_MINUTE / 60 / unitsPerMessage;
    const rate = burst / seconds;
    const chunks = stats.batches;
    const d1Statements = chunks * 4 + (burst * 4 + chunks) + 1;
    const late429 = stats.rateLimited.filter((r) => r.atMs - started > 1000).reduce((n, r) => n + r.count, 0);

    // Webhook latency: Google-signed pushes for the mailbox (its current history id: recorded, nothing to fetch).
    const token = (await control("POST", "/keys/sign", { claims: { iss: "https://accounts.google.com", aud: AUDIENCE, email: PUSH_ACCOUNT, email_verified: true, sub: "1", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 } })).token;
    const { historyId } = await control("GET", `/accounts/${account}`);
    const body = JSON.stringify({ message: { data: Buffer.from(JSON.stringify({ emailAddress: account, historyId })).toString("base64"), messageId: "1" }, subscription: "projects/bench/subscriptions/s" });
    const latencies = [];
    for (let i = 0; i < pushes; i++) {
      const t = performance.now();
      const res = await mf.dispatchFetch(AUDIENCE, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      if (res.status !== 204) throw new Error(`bench: push ${i} answered ${res.status}`);
    }

    return {
      burst: {
        messages: burst,
        seconds: round(seconds, 2),
        messagesPerSecond: round(rate, 1),
        quotaBoundMessagesPerSecond: round(quotaBound, 1),
        ratioToQuotaBound: round(rate / quotaBound, 2),
        quotaUnitsPerMessage: round(unitsPerMessage, 3),
        gmailRequestsPerMessage: round(stats.requests / burst, 4),
        gmailRequests: stats.requests,
        gmailUnitsByMethod: used.units,
        d1StatementsPerMessage: round(d1Statements / burst, 2),
        rateLimited429Total: stats.rateLimited.reduce((n, r) => n + r.count, 0),
        rateLimited429AfterFirstSecond: late429,
      },
      webhook: { pushes, p50Ms: round(percentile(latencies, 50), 1), p99Ms: round(percentile(latencies, 99), 1) },
    };
  } finally {
    await mf.dispose();
    google.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify({ sync: await benchSync() }, null, 2));
}
