/**
 * Bench of the send path (issue 6): POST /v1/locations/{loc}/messages through Gmail, in workerd
 * (Miniflare: real D1, the real mailbox Durable Object) against the Google emulator in this process.
 *
 * Our overhead = request → answer wall time minus the time the emulator spent handling the Google calls of
 * that request (measured around its fetch handler, request body read and answer body included). Sends run
 * one after another, so each Google call belongs to the request under way. Peak memory: the workerd
 * process's RSS (/proc/<pid>/status VmRSS), sampled every 5 ms during the large sends, and its rise over
 * the RSS just before them: during the first large send alone, and over all of them (1 + largeCount). In
 * Miniflare the Worker and the Durable Object run in one workerd process, so this is an upper bound for the
 * two isolates together (each has its own 128 MB in production).
 *
 *   node bench/send.mjs            (or imported by bench/run.mjs: `benchSend()` returns the figures)
 */
import { readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
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

/** The emulator, with every Google call's handling time added to `timer.ms`. */
async function startGoogle(timer) {
  const { createGoogleEmulator } = await tsImport("../emulator/index.ts", import.meta.url);
  const google = createGoogleEmulator({
    clients: [{ clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, redirectUris: [CLIENT.redirectUri] }],
    subscriptions: [{ name: "projects/bench/subscriptions/s", topic: TOPIC, endpoint: `${SERVICE}/webhooks/gmail`, audience: "bench", serviceAccountEmail: "push@bench.iam.gserviceaccount.com" }],
    quotaPerMinute: 10_000_000,
    dailySendLimit: 1_000_000,
  });
  const timed = async (request) => {
    const started = performance.now();
    const response = await google.fetch(request);
    const body = await response.arrayBuffer();
    timer.ms += performance.now() - started;
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { google, timed };
}

async function startWorker(script, outbound) {
  // Miniflare 5 takes a new option shape; the v4 one (documented everywhere) converts.
  const mf = new Miniflare(convertV4MiniflareOptions({
    modules: true,
    script,
    compatibilityDate: "2026-11-01",
    compatibilityFlags: ["nodejs_compat"],
    d1Databases: { DB: "bench-db" },
    r2Buckets: ["ATTACHMENTS"],
    durableObjects: { MAILBOX: { className: "Mailbox", useSQLite: true } },
    email: { send_email: [{ name: "EMAIL" }] },
    bindings: {
      GOOGLE_CLIENT_ID: CLIENT.clientId, GOOGLE_CLIENT_SECRET: CLIENT.clientSecret, OAUTH_REDIRECT_URL: CLIENT.redirectUri,
      GOOGLE_AUTH_URL: `${GOOGLE}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${GOOGLE}/token`, GOOGLE_REVOKE_URL: `${GOOGLE}/revoke`,
      GOOGLE_CERTS_URL: `${GOOGLE}/oauth2/v3/certs`, GMAIL_API_URL: GOOGLE, PUBSUB_TOPIC: TOPIC, PUBSUB_AUDIENCE: "bench",
      PUBSUB_SERVICE_ACCOUNT: "push@bench.iam.gserviceaccount.com", API_JWT_SECRET: SECRET,
      TOKEN_ENCRYPTION_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", BCC_DOMAIN: "log.bench.test",
      ALLOWED_RETURN_ORIGINS: "https://app.bench.test", DAILY_SEND_LIMIT: "1000000", GMAIL_USER_QUOTA_PER_MINUTE: "10000000",
    },
    outboundService: outbound,
  }));
  const db = await mf.getD1Database("DB");
  for (const file of readdirSync(`${ROOT}/migrations`).filter((f) => f.endsWith(".sql")).sort()) {
    for (const statement of readFileSync(`${ROOT}/migrations/${file}`, "utf8").split("--> statement-breakpoint")) {
      if (statement.trim()) await db.prepare(statement).run();
    }
  }
  return mf;
}

async function setUp(mf, google) {
  const token = await new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("2h").sign(new TextEncoder().encode(SECRET));
  const call = async (method, path, body) => {
    const res = await mf.dispatchFetch(`${SERVICE}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const control = (path, body) => google.fetch(new Request(`${GOOGLE}/__emulator${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).then((r) => r.json());
  const account = "bench.owner@gmail.com";
  await call("PUT", "/v1/locations/bench", { name: "Bench" });
  await call("PUT", "/v1/users/u1", { email: "u1@crm.bench.test", name: "Bench User" });
  await call("PUT", "/v1/locations/bench/members/u1", {});
  const { contact } = await call("POST", "/v1/locations/bench/contacts", { email: "contact@client.bench.test", name: "Contact" });
  await control("/accounts", { email: account });
  const { authorizationUrl } = await call("POST", "/v1/locations/bench/users/u1/mailbox/connect", {});
  const { redirectUrl } = await control("/oauth/consent", { authorizationUrl, account });
  const callback = await mf.dispatchFetch(redirectUrl, { redirect: "manual" });
  if (!String(callback.headers.get("location") ?? (await callback.text())).includes("connected")) throw new Error("bench: connect failed");
  return { send: (body) => mf.dispatchFetch(`${SERVICE}/v1/locations/bench/messages`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ userId: "u1", contactId: contact.id, ...body }) }) };
}

/** The workerd processes Miniflare started for this bench: descendants of this process, by name. */
function workerdPids() {
  const children = (pid) => {
    try {
      return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const out = [];
  const queue = children(process.pid);
  while (queue.length > 0) {
    const pid = queue.shift();
    queue.push(...children(pid));
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("workerd")) out.push(pid);
    } catch { /* exited */ }
  }
  return out;
}

function rssBytes(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) total += Number(match[1]) * 1024;
    } catch { /* exited */ }
  }
  return total;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function measure(api, timer, body, count) {
  const overhead = [];
  const emulator = [];
  for (let i = 0; i < count; i++) {
    timer.ms = 0;
    const started = performance.now();
    const res = await api.send(body);
    await res.arrayBuffer();
    const total = performance.now() - started;
    if (res.status !== 201) throw new Error(`bench: send answered ${res.status}`);
    overhead.push(total - timer.ms);
    emulator.push(timer.ms);
  }
  const round = (n) => Math.round(n * 10) / 10;
  return { sends: count, overheadP50Ms: round(percentile(overhead, 50)), overheadP99Ms: round(percentile(overhead, 99)), emulatorP50Ms: round(percentile(emulator, 50)) };
}

export async function benchSend({ smallCount = 100, largeCount = 5 } = {}) {
  const timer = { ms: 0 };
  const { google, timed } = await startGoogle(timer);
  const mf = await startWorker(await bundle(), timed);
  try {
    const api = await setUp(mf, google);
    const pids = workerdPids();
    if (pids.length === 0) throw new Error("bench: no workerd process found under this one");
    const small = await measure(api, timer, { subject: "10 KB", text: "x".repeat(10 * 1024) }, smallCount);
    const big = Buffer.alloc(20 * 1024 * 1024, 7).toString("base64");
    const largeBody = { subject: "20 MB", text: "big", attachments: [{ filename: "big.bin", contentType: "application/octet-stream", contentBase64: big }] };
    const baseline = rssBytes(pids);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pids))), 5);
    // The first large send alone, then the rest: the process keeps heap it grew, so later sends add less.
    await measure(api, timer, largeBody, 1);
    const firstPeak = peak;
    const large = await measure(api, timer, largeBody, largeCount);
    clearInterval(sampler);
    const mb = (n) => Math.round((n / 1024 / 1024) * 10) / 10;
    return {
      small10KB: small,
      large20MB: { ...large, workerdBaselineRssMB: mb(baseline), workerdRssRiseFirstSendMB: mb(firstPeak - baseline), workerdPeakRssMB: mb(peak), workerdRssRiseMB: mb(peak - baseline) },
    };
  } finally {
    await mf.dispose();
    google.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify({ send: await benchSend() }, null, 2));
}
