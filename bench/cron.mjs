/**
 * Issue 19: one cron tick for a fleet of 10,000 active mailboxes (BENCH_FLEET), in workerd (Miniflare: real
 * D1, real MAILBOX_TASKS queue and consumer, real Durable Objects). Watches expire at spread times over the
 * next 6 to 7 days (so about 1/24 of them are due for renewal, as in a fleet renewing every 23 hours), and no
 * mailbox has synced in 10 minutes (every one is due for a catch-up: the worst tick).
 *
 * Figures: the scheduled invocation's wall time and subrequests (directory pages read + queue batches sent,
 * measured by the bench entry's counting bindings); the consumer invocations (how many, the most messages
 * and the longest wall of one); the time until the queue is drained (every Durable Object asked); and when
 * the last catch-up runs: drained + the catch-up spread (each mailbox's slot in the tick's 4-minute window).
 * CPU time per invocation is not observable locally (workerd enforces no limit): wall is the bound shown.
 */
import { fileURLToPath } from "node:url";
import { bundle, round, SERVICE, startWorker } from "./harness.mjs";

const DAY_MS = 24 * 60 * 60 * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchCron({ fleet = Number(process.env.BENCH_FLEET ?? 10_000) } = {}) {
  const script = await bundle("bench/worker-entry.mjs");
  const { mf, db } = await startWorker({
    script,
    outbound: () => new Response("no Google in this bench", { status: 599 }),
    dbName: "bench-cron-db",
    queues: {
      MAILBOX_TASKS: {
        queue: "crm-gmail-sync-mailbox-tasks",
        consumer: { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 5 },
      },
    },
  });
  try {
    const now = Date.now();
    for (let i = 0; i < fleet; i += 500) {
      const rows = [];
      for (let j = i; j < Math.min(fleet, i + 500); j++) {
        const expires = now + 6 * DAY_MS + Math.floor((j / fleet) * DAY_MS);
        rows.push(`('fleet${String(j).padStart(6, "0")}@gmail.com', 'u${j}', 'active', NULL, ${expires}, ${now})`);
      }
      await db
        .prepare(
          `INSERT INTO mailboxes (address, owner_user_id, status, last_synced_at, watch_expires_at, updated_at) VALUES ${rows.join(",")}`,
        )
        .run();
    }
    await mf.dispatchFetch(`${SERVICE}/__bench/d1-stats`, { method: "DELETE" });
    const worker = await mf.getWorker();
    const started = performance.now();
    await worker.scheduled({ scheduledTime: now, cron: "*/5 * * * *" });
    const tickMs = performance.now() - started;
    const d1 = (await (await mf.dispatchFetch(`${SERVICE}/__bench/d1-stats`)).json()).worker;
    let stats = await (await mf.dispatchFetch(`${SERVICE}/__bench/queue-stats`)).json();
    const sent = stats.sent;
    while (stats.messages < sent) {
      if (performance.now() - started > 20 * 60_000)
        throw new Error(`bench: ${stats.messages} of ${sent} tasks done after 20 minutes`);
      await sleep(250);
      stats = await (await mf.dispatchFetch(`${SERVICE}/__bench/queue-stats`)).json();
    }
    const drainedMs = stats.lastDoneAt - (Date.now() - (performance.now() - started));
    const catchUpSpreadMs = 4 * 60_000;
    return {
      mailboxes: fleet,
      tasksSent: sent,
      scheduledInvocation: {
        wallMs: round(tickMs, 0),
        subrequests: d1.statements + stats.sendBatchCalls,
        directoryReads: d1.statements,
        queueSendBatches: stats.sendBatchCalls,
        limit: "1,000 subrequests (paid plan), 15 min wall for a cron",
      },
      consumers: {
        invocations: stats.invocations,
        maxMessagesPerInvocation: stats.maxMessages,
        maxWallMsPerInvocation: stats.maxWallMs,
      },
      allTasksDoneAfterSeconds: round(drainedMs / 1000, 1),
      lastCatchUpRunsWithinMinutes: round((drainedMs + catchUpSpreadMs) / 60_000, 1),
      targetMinutes: 15,
    };
  } finally {
    await mf.dispose();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify({ cron: await benchCron() }, null, 2));
}
