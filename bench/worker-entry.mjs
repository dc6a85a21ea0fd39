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

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/d1-stats") return benchStats(request, env);
    return worker.fetch(request, countingEnv(env), ctx);
  },
  email: (message, env, ctx) => worker.email(message, countingEnv(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, countingEnv(env), ctx),
};
