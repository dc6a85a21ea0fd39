/**
 * Bisects the memory of a 25 MB multipart send (issue 19): each stage of the path alone, in a fresh workerd,
 * RSS sampled every 5 ms as in send.mjs, and every isolate's heap (inspector.mjs). Stages
 * (bench/send-probe-entry.mjs): drain (the request read and dropped), parse (the form reader, parts dropped),
 * r2-put (the request dropped, then 25 MB made in the Worker put into R2: the R2 simulator's share), stage
 * (the form staged into R2), r2-read (staged, then read back), mime (read back through the base64 wrapper).
 * The upload and the Durable Object's RPC come on top: bench/send.mjs measures the whole send.
 *
 *   node bench/send-probe.mjs [stage …]
 */
import { fileURLToPath } from "node:url";
import { bundle, SERVICE, startWorker } from "./harness.mjs";
import { connectIsolates } from "./inspector.mjs";
import { freePort, rssBytes, workerdPids } from "./send.mjs";

const FILE_BYTES = 25 * 1024 * 1024;
const STAGES = ["drain", "parse", "r2-put", "stage", "r2-read", "mime"];

function formBody(file) {
  const data = new FormData();
  const message = {
    userId: "u1",
    contactId: "c1",
    text: "big",
    attachments: [{ filename: "big.bin", contentType: "application/octet-stream", part: "file", size: file.length }],
  };
  data.append("message", JSON.stringify(message));
  data.append("file", new Blob([file], { type: "application/octet-stream" }), "big.bin");
  return new Response(data);
}

/** No stage calls Google. */
const noGoogle = () => new Response("no Google in the probe", { status: 502 });

export async function probeStage(stage, script) {
  const port = await freePort();
  const { mf } = await startWorker({ script, outbound: noGoogle, dbName: `probe-${stage}`, inspectorPort: port });
  try {
    const file = Buffer.alloc(FILE_BYTES);
    for (let i = 0; i < file.length; i++) file[i] = (i * 31 + (i >> 8)) & 0xff;
    const encoded = formBody(file);
    const body = Buffer.from(await encoded.arrayBuffer());
    await mf.dispatchFetch(`${SERVICE}/healthz`);
    const isolates = await connectIsolates(port);
    const pids = workerdPids();
    const baseline = rssBytes(pids);
    let peak = baseline;
    const heapBase = Object.fromEntries(
      await Promise.all(isolates.ids.map(async (id) => [id, await isolates.heap(id)])),
    );
    const heapPeak = { ...heapBase };
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pids))), 5);
    const collector = setInterval(async () => {
      for (const id of isolates.ids) heapPeak[id] = Math.max(heapPeak[id], await isolates.heap(id));
    }, 10);
    const started = performance.now();
    const res = await mf.dispatchFetch(`${SERVICE}/probe?probe=${stage}`, {
      method: "POST",
      headers: { "content-type": encoded.headers.get("content-type") },
      body,
    });
    const text = await res.text();
    clearInterval(sampler);
    clearInterval(collector);
    isolates.close();
    const mb = (n) => Math.round((n / 1024 / 1024) * 10) / 10;
    return {
      stage,
      status: res.status,
      answer: text.slice(0, 80),
      riseMB: mb(peak - baseline),
      heapRiseMB: Object.fromEntries(
        isolates.ids.map((id) => [id, mb(heapPeak[id] - heapBase[id])]).filter(([, v]) => v > 0.5),
      ),
      baselineMB: mb(baseline),
      wallMs: Math.round(performance.now() - started),
    };
  } finally {
    await mf.dispose();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const script = await bundle("bench/send-probe-entry.mjs");
  const asked = process.argv.slice(2);
  for (const stage of asked.length > 0 ? asked : STAGES) console.log(JSON.stringify(await probeStage(stage, script)));
}
