/**
 * Bench of attachment downloads (reading 12): GET /v1/locations/{loc}/messages/{id}/attachments/{aid} of a
 * synced Gmail attachment, in workerd (Miniflare: the real Worker, mailbox Durable Object and D1) against the
 * Google emulator in this process. The Worker streams attachments.get's JSON through its `data` extractor and
 * base64url decoder into the answer; the client here reads it as it comes (hashed, never held).
 *
 * Peak added memory of one download, 4 MB and 24 MB, each measured twice in turn (4, 24, 4, 24): workerd's
 * RSS (/proc/<pid>/status, every 5 ms) over its value just before, and the service isolate's own V8 heap plus
 * ArrayBuffers through the inspector (bench/inspector.mjs; the Worker and its Durable Object, without Miniflare's
 * isolates), and once more each with the isolate's garbage collected every 25 ms: what the download really
 * holds. The target: the rise does not grow with the attachment's size. A first 4 MB download warms up.
 *
 *   node bench/attachment.mjs      (or `npm run bench attachment`)
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";
import { benchGoogleSettings, bundle, connectBenchMailbox, SERVICE, startWorker } from "./harness.mjs";
import { connectIsolates, sampleLive } from "./inspector.mjs";
import { freePort, rssBytes, sampleHeaps, SERVICE_ISOLATE, wakeService, workerdPids } from "./send.mjs";

const ACCOUNT = "bench.attachments@gmail.com";
const MB = 1024 * 1024;
const SIZES_MB = [4, 24];

const mb = (n) => Math.round((n / MB) * 10) / 10;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes that do not compress or repeat in short cycles, the same on every run. */
function fileOf(size, seed) {
  const file = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    file[i] = x & 0xff;
  }
  return file;
}

async function startGoogle() {
  const { createGoogleEmulator } = await tsImport("../emulator/index.ts", import.meta.url);
  return createGoogleEmulator(benchGoogleSettings({ quotaPerMinute: 10_000_000 }));
}

/** Delivers one email per size into the bench mailbox, hands the Worker the push, waits for every attachment. */
async function syncFiles(mf, world, files) {
  const { control, call, contact } = world;
  for (const [name, file] of files) {
    await control("POST", `/accounts/${ACCOUNT}/messages`, {
      from: contact.email,
      to: ACCOUNT,
      subject: name,
      text: "attached",
      attachments: [
        { filename: `${name}.bin`, contentType: "application/octet-stream", contentBase64: file.toString("base64") },
      ],
    });
  }
  const { deliveries } = await control("POST", "/pubsub/pull", { account: ACCOUNT });
  for (const d of deliveries) await control("POST", "/pubsub/ack", { deliveryId: d.deliveryId, status: 204 });
  const last = deliveries.at(-1);
  const pushed = await mf.dispatchFetch(last.url, { method: "POST", headers: last.headers, body: last.body });
  if (pushed.status !== 204) throw new Error(`bench: push answered ${pushed.status}`);
  const started = performance.now();
  for (;;) {
    const { conversations } = await call("GET", `/v1/locations/bench/conversations?contactId=${contact.id}`);
    const messages = conversations.length
      ? (await call("GET", `/v1/locations/bench/conversations/${conversations[0].id}/messages?limit=200`)).messages
      : [];
    const found = new Map(messages.map((m) => [m.subject, m]));
    if (files.every(([name]) => found.has(name))) {
      return new Map(
        files.map(([name]) => [name, { messageId: found.get(name).id, attachment: found.get(name).attachments[0] }]),
      );
    }
    if (performance.now() - started > 120_000) throw new Error("bench: the attachments did not sync in 2 minutes");
    await sleep(100);
  }
}

/**
 * One download, read as it streams (hashed, never held). `live`: the service isolate's memory after forced
 * collections (slower: wall time is not comparable); otherwise workerd's RSS and the isolate's heap as they are.
 */
async function download(mf, world, isolates, where, expected, { live = false } = {}) {
  const pids = workerdPids();
  const sampler = live ? await sampleLive(isolates, SERVICE_ISOLATE, wakeService(mf)) : await sampleHeaps(isolates);
  const baseline = rssBytes(pids);
  let peak = baseline;
  const rss = setInterval(() => (peak = Math.max(peak, rssBytes(pids))), 5);
  const started = performance.now();
  const res = await mf.dispatchFetch(
    `${SERVICE}/v1/locations/bench/messages/${where.messageId}/attachments/${where.attachment.id}`,
    { headers: { authorization: `Bearer ${world.token}` } },
  );
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of res.body) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  const wallMs = performance.now() - started;
  clearInterval(rss);
  const rise = await sampler.stop();
  if (res.status !== 200) throw new Error(`bench: download answered ${res.status}`);
  if (hash.digest("hex") !== createHash("sha256").update(expected).digest("hex"))
    throw new Error(`bench: the ${mb(expected.length)} MB download differs from what was sent (${bytes} bytes)`);
  const contentLength = Number(res.headers.get("content-length"));
  if (live) return { contentLength, serviceIsolateLiveRiseMB: mb(rise) };
  return {
    contentLength,
    workerdBaselineRssMB: mb(baseline),
    workerdRssRiseMB: mb(peak - baseline),
    serviceIsolateHeapRiseMB: mb(rise[SERVICE_ISOLATE] ?? 0),
    wallMs: Math.round(wallMs),
  };
}

export async function benchAttachment() {
  const google = await startGoogle();
  const inspectorPort = await freePort();
  const { mf } = await startWorker({
    inspectorPort,
    script: await bundle("src/index.ts"),
    outbound: (request) => google.fetch(request),
    dbName: "bench-attachment",
    settings: { GMAIL_USER_QUOTA_PER_MINUTE: "10000000" },
  });
  try {
    const world = await connectBenchMailbox(mf, google, ACCOUNT);
    const files = SIZES_MB.map((size) => [`${size}MB`, fileOf(size * MB, size)]);
    const synced = await syncFiles(mf, world, files);
    const isolates = await connectIsolates(inspectorPort);
    try {
      const [smallName, smallFile] = files[0];
      const warmUp = await download(mf, world, isolates, synced.get(smallName), smallFile);
      const runs = {};
      for (let round = 1; round <= 2; round++) {
        for (const [name, file] of files) {
          runs[`${name}#${round}`] = await download(mf, world, isolates, synced.get(name), file);
        }
      }
      for (const [name, file] of files) {
        runs[`${name}-live`] = await download(mf, world, isolates, synced.get(name), file, { live: true });
      }
      const worst = (name, key) => Math.max(runs[`${name}#1`][key], runs[`${name}#2`][key]);
      const peakAdded = (name) => ({
        workerdRssMB: worst(name, "workerdRssRiseMB"),
        serviceIsolateHeapMB: worst(name, "serviceIsolateHeapRiseMB"),
        serviceIsolateLiveMB: runs[`${name}-live`].serviceIsolateLiveRiseMB,
      });
      return {
        warmUp4MB: warmUp,
        ...runs,
        peakAdded4MB: peakAdded(files[0][0]),
        peakAdded24MB: peakAdded(files[1][0]),
        target: "the 24 MB download adds no more than the 4 MB one (memory does not grow with the size)",
      };
    } finally {
      isolates.close();
    }
  } finally {
    await mf.dispose();
    google.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify({ attachment: await benchAttachment() }, null, 2));
}
