/**
 * Bench of R30's reconciliation (issue 18): a mailbox with 5,000 messages of the day, synced first (as in the
 * sync bench, quota 15,000 units/min). Then, once the quota minute of that sync has passed (a reconciliation
 * takes at most half the pacer's budget, so right after a burst it first waits), "reconcile now":
 *
 * - nothing missing: quota units, Gmail HTTP requests and wall time from the request until the mailbox
 *   reports the reconciliation done; units per message of the day (target ≤ 0.2);
 * - 50 messages hidden from history (delivered, pushes fired, history.list never names them): the same
 *   figures until all 50 are stored, the day's `healed` count from the sync report, units per healed message.
 *
 *   node bench/reconcile.mjs        (or imported by bench/run.mjs: `benchReconcile()` returns the figures)
 */
import { fileURLToPath } from "node:url";
import { bundle, round } from "./harness.mjs";
import { ACCOUNT, countRows, sleep, syncScenario, withWorld } from "./sync.mjs";

const REPORT = "/v1/locations/bench/users/u1/mailbox/sync-report?days=1";

async function reconcileOnce(world, until) {
  const { stats, control, call } = world;
  await control("DELETE", `/accounts/${ACCOUNT}/counters`);
  Object.assign(stats, { requests: 0, batches: 0, rateLimited: [], units: [] });
  const before = (await call("GET", REPORT)).report.lastReconciledAt;
  const started = performance.now();
  const { reconciliation } = await call("POST", "/v1/locations/bench/users/u1/mailbox/reconcile");
  for (;;) {
    if (performance.now() - started > 300_000) throw new Error("bench: the reconciliation did not end in 5 minutes");
    await sleep(20);
    const { report } = await call("GET", REPORT);
    if (report.lastReconciledAt !== before && (await until(report))) break;
  }
  const seconds = (performance.now() - started) / 1000;
  await sleep(500);
  const used = await control("GET", `/accounts/${ACCOUNT}/counters`);
  const { report } = await call("GET", REPORT);
  return {
    requestedAt: reconciliation.requestedAt,
    seconds: round(seconds, 2),
    quotaUnits: used.totalUnits,
    gmailRequests: stats.requests,
    gmailRequestsByMethod: used.requests,
    gmailUnitsByMethod: used.units,
    rateLimited429: stats.rateLimited.reduce((n, r) => n + r.count, 0),
    today: report.days[0],
  };
}

async function reconcileScenario(world, count, hidden) {
  const { db, contact, deliver } = world;
  const sync = await syncScenario(world, count, 50);
  // The sync's minute leaves the pacer's window: a reconciliation only takes what new mail leaves unused.
  await sleep(61_000);
  const clean = await reconcileOnce(world, async () => true);
  for (let i = 0; i < hidden; i++) {
    deliver(
      {
        from: { email: contact.email, name: "Contact" },
        to: ACCOUNT,
        subject: `Hidden ${i}`,
        text: "Never in history.\n",
      },
      { hideFromHistory: true },
    );
  }
  const healed = await reconcileOnce(world, async () => (await countRows(db)) === count + hidden);
  return {
    messagesOfTheDay: count,
    syncSeconds: sync.seconds,
    nothingMissing: { ...clean, quotaUnitsPerMessageOfTheDay: round(clean.quotaUnits / count, 4) },
    hidden: {
      ...healed,
      hiddenMessages: hidden,
      rowsAfter: await countRows(db),
      quotaUnitsPerHealedMessage: round(healed.quotaUnits / hidden, 2),
    },
  };
}

export async function benchReconcile({ messages = Number(process.env.BENCH_RECONCILE ?? 5000), hidden = 50 } = {}) {
  const script = await bundle("bench/worker-entry.mjs");
  return withWorld(script, 15_000, (world) => reconcileScenario(world, messages, hidden));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify({ reconcile: await benchReconcile() }, null, 2));
}
