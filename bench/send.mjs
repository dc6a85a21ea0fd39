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
 * The 25 MB sends (issue 19) also read, through workerd's inspector, the service isolate's own V8 heap plus
 * ArrayBuffers every 10 ms (bench/inspector.mjs): the Worker and its Durable Object, without Miniflare's own
 * isolates (its entry, the R2 simulator: reported apart) nor workerd's native buffers. The Google emulator runs
 * in this Node process, so neither figure counts it. bench/send-probe.mjs bisects the path stage by stage.
 *
 *   node bench/send.mjs [max]      (`max`: only the 25 MB figures; or imported by bench/run.mjs: `benchSend()` returns the figures)
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";
import { benchGoogleSettings, bundle, connectBenchMailbox, percentile, SERVICE, startWorker } from "./harness.mjs";
import { connectIsolates, sampleLive } from "./inspector.mjs";

/** The emulator, with every Google call's handling time added to `timer.ms`. */
async function startGoogle(timer) {
  const { createGoogleEmulator } = await tsImport("../emulator/index.ts", import.meta.url);
  const google = createGoogleEmulator(benchGoogleSettings({ quotaPerMinute: 10_000_000, dailySendLimit: 1_000_000 }));
  const timed = async (request) => {
    const started = performance.now();
    const response = await google.fetch(request);
    const body = await response.arrayBuffer();
    timer.ms += performance.now() - started;
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { google, timed };
}

/** The workerd processes Miniflare started for this bench: descendants of this process, by name. */
export function workerdPids() {
  const children = (pid) => {
    try {
      return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
        .split("\n")
        .filter(Boolean)
        .map(Number);
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
    } catch {
      /* exited */
    }
  }
  return out;
}

export function rssBytes(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      /* exited */
    }
  }
  return total;
}

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
  return {
    sends: count,
    overheadP50Ms: round(percentile(overhead, 50)),
    overheadP99Ms: round(percentile(overhead, 99)),
    emulatorP50Ms: round(percentile(emulator, 50)),
  };
}

const MAX_SEND_BYTES = 25 * 1024 * 1024;
/** The service's isolate in Miniflare's workerd: the Worker and its Durable Objects (one service, one isolate). */
export const SERVICE_ISOLATE = "core:user:";

/** A free TCP port for workerd's inspector. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Every isolate's V8 heap plus ArrayBuffer bytes, read every 10 ms through the inspector until `stop()`,
 * which answers each isolate's peak rise over its value at the start (bytes).
 */
export async function sampleHeaps(isolates) {
  const read = async () =>
    Object.fromEntries(await Promise.all(isolates.ids.map(async (id) => [id, await isolates.heap(id)])));
  const base = await read();
  const peak = { ...base };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const [id, bytes] of Object.entries(await read())) peak[id] = Math.max(peak[id], bytes);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return Object.fromEntries(Object.keys(base).map((id) => [id, peak[id] - base[id]]));
    },
  };
}

/**
 * Issue 19: peak added workerd RSS of one 25 MB send (MAX_ATTACHMENT_BYTES' default), in a fresh workerd each,
 * as multipart/form-data (the file streamed through R2 staging) and as JSON (base64 inline).
 */
/** A request that enters the service isolate, so that the inspector's pending calls run (bench/inspector.mjs). */
export function wakeService(mf) {
  return async () => void (await (await mf.dispatchFetch(`${SERVICE}/healthz`)).arrayBuffer());
}

async function expectSent(res, form) {
  const text = await res.text();
  if (res.status !== 201) throw new Error(`bench: 25 MB ${form} send answered ${res.status} ${text.slice(0, 200)}`);
}

async function benchMaxSend(form) {
  const timer = { ms: 0 };
  const { google, timed } = await startGoogle(timer);
  const inspectorPort = await freePort();
  const { mf } = await startWorker({
    inspectorPort,
    script: await bundle("src/index.ts"),
    outbound: timed,
    dbName: `bench-max-${form}`,
    settings: { DAILY_SEND_LIMIT: "1000000", GMAIL_USER_QUOTA_PER_MINUTE: "10000000" },
  });
  try {
    const { token, contact } = await connectBenchMailbox(mf, google, `bench.max.${form}@gmail.com`);
    const file = Buffer.alloc(MAX_SEND_BYTES);
    for (let i = 0; i < file.length; i++) file[i] = (i * 31 + (i >> 8)) & 0xff;
    const url = `${SERVICE}/v1/locations/bench/messages`;
    const headers = { authorization: `Bearer ${token}` };
    const send = async () => {
      if (form === "json") {
        const body = JSON.stringify({
          userId: "u1",
          contactId: contact.id,
          subject: "25 MB",
          text: "big",
          attachments: [
            { filename: "big.bin", contentType: "application/octet-stream", contentBase64: file.toString("base64") },
          ],
        });
        return mf.dispatchFetch(url, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body,
        });
      }
      const data = new FormData();
      data.append(
        "message",
        JSON.stringify({
          userId: "u1",
          contactId: contact.id,
          subject: "25 MB",
          text: "big",
          attachments: [
            { filename: "big.bin", contentType: "application/octet-stream", part: "file", size: file.length },
          ],
        }),
      );
      data.append("file", new Blob([file], { type: "application/octet-stream" }), "big.bin");
      // Serialized here (Miniflare's dispatchFetch drops a FormData body's content type): Node holds it, not workerd.
      const encoded = new Response(data);
      const contentType = encoded.headers.get("content-type");
      const bytes = Buffer.from(await encoded.arrayBuffer());
      // "multipart-chunked": the same bytes as a stream, so without Content-Length (a streaming client).
      const body = form === "multipart" ? bytes : new Blob([bytes]).stream();
      return mf.dispatchFetch(url, {
        method: "POST",
        headers: { ...headers, "content-type": contentType },
        body,
        ...(form === "multipart" ? {} : { duplex: "half" }),
      });
    };
    const pids = workerdPids();
    const isolates = await connectIsolates(inspectorPort);
    try {
      const heaps = await sampleHeaps(isolates);
      const baseline = rssBytes(pids);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pids))), 5);
      const started = performance.now();
      await expectSent(await send(), form);
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      const heapRise = await heaps.stop();
      // The same send again, the isolate's garbage collected every 25 ms: what the send holds, not what V8 has
      // yet to free (slower, so its wall time is not reported).
      const live = await sampleLive(isolates, SERVICE_ISOLATE, wakeService(mf));
      await expectSent(await send(), form);
      const liveRise = await live.stop();
      const mb = (n) => Math.round((n / 1024 / 1024) * 10) / 10;
      return {
        workerdBaselineRssMB: mb(baseline),
        workerdPeakRssMB: mb(peak),
        workerdRssRiseMB: mb(peak - baseline),
        serviceIsolateHeapRiseMB: mb(heapRise[SERVICE_ISOLATE] ?? 0),
        serviceIsolateLiveRiseMB: mb(liveRise),
        otherIsolatesHeapRiseMB: Object.fromEntries(
          Object.entries(heapRise)
            .filter(([id, rise]) => id !== SERVICE_ISOLATE && rise > 512 * 1024)
            .map(([id, rise]) => [id, mb(rise)]),
        ),
        wallMs: Math.round(wallMs),
      };
    } finally {
      isolates.close();
    }
  } finally {
    await mf.dispose();
    google.close();
  }
}

export async function benchSend({ smallCount = 100, largeCount = 5 } = {}) {
  const multipart = await benchMaxSend("multipart");
  const multipartChunked = await benchMaxSend("multipart-chunked");
  const json = await benchMaxSend("json");
  const max25MB = {
    multipart,
    multipartChunked,
    json,
    target: "multipart rise < 64 MB; JSON as low as a streaming parse allows (R2's 5 MiB parts: one held at a time)",
    // The service's own isolate (what production runs); the whole workerd also holds Miniflare's R2 simulator.
    multipartServiceIsolateWithinTarget:
      Math.max(multipart.serviceIsolateHeapRiseMB, multipartChunked.serviceIsolateHeapRiseMB) < 64,
    multipartWorkerdProcessWithinTarget: multipart.workerdRssRiseMB < 64,
    jsonServiceIsolateWithin64MB: json.serviceIsolateHeapRiseMB < 64,
  };
  return { max25MB, ...(await benchSendSeries({ smallCount, largeCount })) };
}

async function benchSendSeries({ smallCount, largeCount }) {
  const timer = { ms: 0 };
  const { google, timed } = await startGoogle(timer);
  const { mf } = await startWorker({
    script: await bundle("src/index.ts"),
    outbound: timed,
    dbName: "bench-db",
    settings: { DAILY_SEND_LIMIT: "1000000", GMAIL_USER_QUOTA_PER_MINUTE: "10000000" },
  });
  try {
    const { token, contact } = await connectBenchMailbox(mf, google, "bench.owner@gmail.com");
    const api = {
      send: (body) =>
        mf.dispatchFetch(`${SERVICE}/v1/locations/bench/messages`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ userId: "u1", contactId: contact.id, ...body }),
        }),
    };
    const pids = workerdPids();
    if (pids.length === 0) throw new Error("bench: no workerd process found under this one");
    const small = await measure(api, timer, { subject: "10 KB", text: "x".repeat(10 * 1024) }, smallCount);
    const big = Buffer.alloc(20 * 1024 * 1024, 7).toString("base64");
    const largeBody = {
      subject: "20 MB",
      text: "big",
      attachments: [{ filename: "big.bin", contentType: "application/octet-stream", contentBase64: big }],
    };
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
      large20MB: {
        ...large,
        workerdBaselineRssMB: mb(baseline),
        workerdRssRiseFirstSendMB: mb(firstPeak - baseline),
        workerdPeakRssMB: mb(peak),
        workerdRssRiseMB: mb(peak - baseline),
      },
    };
  } finally {
    await mf.dispose();
    google.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `node bench/send.mjs max` runs only the 25 MB figures.
  const onlyMax = process.argv.includes("max");
  const figures = onlyMax
    ? {
        max25MB: {
          multipart: await benchMaxSend("multipart"),
          multipartChunked: await benchMaxSend("multipart-chunked"),
          json: await benchMaxSend("json"),
        },
      }
    : await benchSend();
  console.log(JSON.stringify({ send: figures }, null, 2));
}
