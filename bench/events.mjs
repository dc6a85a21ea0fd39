/**
 * Bench of R29 (issue 15): 1,000 contact emails synced (announced by one push, as in the sync bench) with
 * one subscribed endpoint of the bench process (Node, behind Miniflare's outbound service), the events queue
 * real under Miniflare (producer and this Worker's consumer). Measured: message.created events delivered per
 * second (from the push to the last receipt), and the latency from the message's commit to the endpoint's
 * receipt, p50/p99 (the commit moment is the event's `createdAt`, the clock the store's batch was given: taken
 * at the start of its chunk, before Gmail's batch answer, so the figure is an upper bound). Then the same with
 * an endpoint that fails the first attempt of every event (every other attempt fails): the distinct event ids
 * delivered must equal the messages stored, none lost (their retries come 30 s later, by design).
 *
 *   node bench/events.mjs            (or imported by bench/run.mjs: `benchEvents()` returns the figures)
 */
import { fileURLToPath } from "node:url";
import { bundle, connectBenchMailbox, percentile, round, startWorker } from "./harness.mjs";
import { ACCOUNT, countRows, sleep, startGoogle, syncScenario } from "./sync.mjs";

const HOOKS = "hooks.bench.test";

/** The CRM's endpoint: records each delivery (event id, its createdAt, receipt time) and answers by `plan`. */
function endpoint(failFirstAttempt) {
  const received = [];
  const seen = new Set();
  const fetch = async (request) => {
    const body = await request.text();
    const event = JSON.parse(body);
    const first = !seen.has(event.id);
    seen.add(event.id);
    const status = failFirstAttempt && first ? 500 : 204;
    received.push({ id: event.id, type: event.type, createdAt: Date.parse(event.createdAt), at: Date.now(), status });
    return new Response(null, { status });
  };
  return { fetch, received };
}

async function scenario(script, count, failFirstAttempt) {
  const stats = { requests: 0, batches: 0, rateLimited: [], units: [] };
  const { google, outbound, deliver, markRead, messageIds } = await startGoogle(stats, 15_000);
  const hook = endpoint(failFirstAttempt);
  const { mf, db } = await startWorker({
    script,
    dbName: `bench-events-${failFirstAttempt ? "flaky" : "ok"}`,
    settings: { GMAIL_USER_QUOTA_PER_MINUTE: "15000" },
    queues: {
      EVENTS_QUEUE: {
        queue: "crm-gmail-sync-events",
        consumer: { maxBatchSize: 25, maxBatchTimeout: 1, maxRetries: 100 },
      },
    },
    outbound: (request) => (new URL(request.url).hostname === HOOKS ? hook.fetch(request) : outbound(request)),
  });
  try {
    const world = { mf, db, stats, deliver, markRead, messageIds, quotaPerMinute: 15_000 };
    const { contact, control, call } = await connectBenchMailbox(mf, google, ACCOUNT);
    await call("POST", "/v1/locations/bench/webhooks", { url: `https://${HOOKS}/events`, events: ["message.created"] });
    const started = Date.now();
    await syncScenario({ ...world, contact, control, call }, count, 50);
    if ((await countRows(db)) !== count) throw new Error("bench: not every message stored");
    const deadline = Date.now() + 180_000;
    const delivered = () => new Set(hook.received.filter((r) => r.status < 300).map((r) => r.id)).size;
    while (delivered() < count && Date.now() < deadline) await sleep(100);
    const ok = hook.received.filter((r) => r.status < 300);
    const latencies = ok.map((r) => r.at - r.createdAt);
    const last = Math.max(...ok.map((r) => r.at));
    return {
      messages: count,
      attempts: hook.received.length,
      distinctEventsDelivered: delivered(),
      lost: count - delivered(),
      eventsPerSecond: round(delivered() / ((last - started) / 1000), 1),
      commitToReceiptMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: Math.max(...latencies),
      },
    };
  } finally {
    await mf.dispose();
    google.close();
  }
}

export async function benchEvents({ messages = 1000 } = {}) {
  const script = await bundle("bench/worker-entry.mjs");
  return {
    endpointUp: await scenario(script, messages, false),
    endpointFailsEveryOtherAttempt: await scenario(script, messages, true),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify({ events: await benchEvents() }, null, 2));
}
