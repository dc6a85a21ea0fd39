/**
 * Bench of R26 (issue 16), Gmail → CRM: 1,000 messages of a contact are synced first (as in the sync
 * bench); then the owner reads all 1,000 in Gmail, and the one push Gmail sends for them (pushes are a
 * second apart, the rest dropped) reaches the Worker. Measured from that push until every row says
 * `unread = 0`: changes applied per second, Gmail quota units and HTTP requests per change (target: no
 * messages.get, at most 0.1 unit per change), D1 statements per change (counted by the bench bundle's D1
 * wrapper, worker-entry.mjs), from the push until a second after the last row changed.
 *
 *   node bench/state.mjs            (or imported by bench/run.mjs: `benchState()` returns the figures)
 */
import { fileURLToPath } from "node:url";
import { bundle, round } from "./harness.mjs";
import { ACCOUNT, countRows, d1Stats, sleep, syncScenario, withWorld } from "./sync.mjs";

async function countRead(db) {
  return (await db.prepare("SELECT count(*) AS n FROM messages WHERE location_id = 'bench' AND unread = 0").first()).n;
}

async function readStateScenario(world, count) {
  const { mf, db, stats, control, markRead, messageIds } = world;
  await syncScenario(world, count, 50);
  if ((await countRows(db)) !== count || (await countRead(db)) !== 0)
    throw new Error("bench: the synced mail is not all unread");
  await control("POST", `/accounts/${ACCOUNT}/clock`, { advanceMs: 2_000 });
  for (const id of messageIds()) markRead(id);
  const { deliveries } = await control("POST", "/pubsub/pull", { account: ACCOUNT });
  const last = deliveries.at(-1);
  for (const d of deliveries) await control("POST", "/pubsub/ack", { deliveryId: d.deliveryId, status: 204 });
  await control("DELETE", `/accounts/${ACCOUNT}/counters`);
  Object.assign(stats, { requests: 0, batches: 0, rateLimited: [], units: [] });
  await d1Stats(mf, "DELETE");

  const started = performance.now();
  const answer = await mf.dispatchFetch(last.url, { method: "POST", headers: last.headers, body: last.body });
  if (answer.status !== 204) throw new Error(`bench: push answered ${answer.status}`);
  let read = 0;
  while (read < count) {
    if (performance.now() - started > 300_000) throw new Error(`bench: only ${read} of ${count} read after 5 minutes`);
    await sleep(20);
    read = await countRead(db);
  }
  const seconds = (performance.now() - started) / 1000;
  await sleep(1000);
  const d1 = await d1Stats(mf, "GET");
  const used = await control("GET", `/accounts/${ACCOUNT}/counters`);
  return {
    changes: count,
    pushes: deliveries.length,
    seconds: round(seconds, 2),
    changesPerSecond: round(count / seconds, 1),
    quotaUnitsPerChange: round(used.totalUnits / count, 4),
    gmailRequestsPerChange: round(stats.requests / count, 4),
    gmailRequestsByMethod: used.requests,
    gmailUnitsByMethod: used.units,
    messagesGet: used.requests["users.messages.get"] ?? 0,
    d1StatementsPerChange: round(d1.statements / count, 3),
    d1,
  };
}

export async function benchState({ changes = 1000 } = {}) {
  const script = await bundle("bench/worker-entry.mjs");
  return withWorld(script, 15_000, (world) => readStateScenario(world, changes));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify({ state: await benchState() }, null, 2));
}
