/**
 * Bench only: the Worker of src/index.ts with its D1 binding counted (d1-count.mjs), in the Worker's
 * handlers and in the mailbox Durable Object (whose env is wrapped before the object sees it). The counts
 * are read at `/__bench/d1-stats?mailbox=<address>` (GET: the Worker's and that mailbox object's counts;
 * DELETE: both reset). Production bundles src/index.ts itself and has none of this.
 */
import worker, { Mailbox as AppMailbox } from "../src/index.ts";
import { countingEnv, readD1Stats, resetD1Stats } from "./d1-count.mjs";

export class Mailbox extends AppMailbox {
  constructor(ctx, env) {
    super(ctx, countingEnv(env));
  }

  benchD1Stats(reset) {
    const read = readD1Stats();
    if (reset) resetD1Stats();
    return read;
  }
}

async function benchStats(request, env) {
  const reset = request.method === "DELETE";
  const address = new URL(request.url).searchParams.get("mailbox");
  const own = readD1Stats();
  if (reset) resetD1Stats();
  const stub = address ? env.MAILBOX.get(env.MAILBOX.idFromName(address)) : null;
  const mailbox = stub ? await stub.benchD1Stats(reset) : null;
  return Response.json({ worker: own, mailbox });
}

/**
 * Queue consumer invocations as the platform would see them: how many, how many messages each, how long each
 * took (wall), and the queue batches the scheduled handler sent. Read at `/__bench/queue-stats`.
 */
const QUEUE_KEY = Symbol.for("bench.queueStats");
function queueStats() {
  globalThis[QUEUE_KEY] ??= {
    invocations: 0,
    messages: 0,
    maxMessages: 0,
    maxWallMs: 0,
    lastDoneAt: 0,
    sendBatchCalls: 0,
    sent: 0,
  };
  return globalThis[QUEUE_KEY];
}

/** The scheduled handler's queue, counted: each sendBatch is one subrequest of the cron invocation. */
function countingQueues(env) {
  const tasks = env.MAILBOX_TASKS;
  if (!tasks) return env;
  const stats = queueStats();
  const counted = {
    send: (body, options) => {
      stats.sendBatchCalls += 1;
      stats.sent += 1;
      return tasks.send(body, options);
    },
    sendBatch: (messages, options) => {
      stats.sendBatchCalls += 1;
      stats.sent += messages.length;
      return tasks.sendBatch(messages, options);
    },
  };
  return { ...env, MAILBOX_TASKS: counted };
}

async function consume(batch, env, ctx) {
  const stats = queueStats();
  const started = Date.now();
  try {
    return await worker.queue(batch, countingEnv(env), ctx);
  } finally {
    stats.invocations += 1;
    stats.messages += batch.messages.length;
    stats.maxMessages = Math.max(stats.maxMessages, batch.messages.length);
    stats.maxWallMs = Math.max(stats.maxWallMs, Date.now() - started);
    stats.lastDoneAt = Date.now();
  }
}

export default {
  queue: consume,
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/d1-stats") return benchStats(request, env);
    if (new URL(request.url).pathname === "/__bench/queue-stats") return Response.json(queueStats());
    return worker.fetch(request, countingEnv(env), ctx);
  },
  email: (message, env, ctx) => worker.email(message, countingEnv(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, countingEnv(countingQueues(env)), ctx),
};
