/**
 * Bench of storage (issue 13, R31), in workerd with two location databases (DB and DB_2) and R2:
 *
 * - small: inbound mails of ~10 KB (text and html), bodies kept in their rows;
 * - large: inbound mails with a 3 MB text body, kept whole in R2;
 * - two databases: one mailbox connected in location "bench" (on DB) and "bench2" (on DB_2), every mail
 *   from a contact of both, so each chunk is written to both databases in their own batches.
 *
 *   node bench/storage.mjs        (or `npm run bench storage`)
 *
 * Figures: D1 statements (per database) and R2 operations per synced message, counted by the bench bundle's
 * wrappers (d1-count.mjs) from the push until a second after the last row landed; messages per second from
 * the push to the last row (two databases: rows in both). The quota is set high: this measures storage.
 */
import { fileURLToPath } from "node:url";
import { bundle, round, SERVICE } from "./harness.mjs";
import { ACCOUNT, sleep, withWorld } from "./sync.mjs";

const QUOTA = 1_000_000;

async function counts(mf, method) {
  const res = await mf.dispatchFetch(`${SERVICE}/__bench/d1-stats?mailbox=${encodeURIComponent(ACCOUNT)}`, { method });
  const { worker, mailbox } = await res.json();
  const same = worker.isolate === mailbox.isolate;
  const add = (a = 0, b = 0) => (same ? a : a + b);
  const byDatabase = {};
  for (const key of new Set([...Object.keys(worker.byDatabase), ...Object.keys(mailbox.byDatabase)])) {
    byDatabase[key] = add(worker.byDatabase[key], mailbox.byDatabase[key]);
  }
  const r2 = {};
  for (const key of Object.keys(worker.r2)) r2[key] = add(worker.r2[key], mailbox.r2[key]);
  return { statements: add(worker.statements, mailbox.statements), byDatabase, r2 };
}

async function rowsIn(db) {
  return (await db.prepare("SELECT count(*) AS n FROM messages").first()).n;
}

/** A second location "bench2" (placed on DB_2: DB already holds "bench"), the same user and contact address, connected. */
async function connectSecondLocation(mf, world) {
  const { call, control } = world;
  await call("PUT", "/v1/locations/bench2", { name: "Bench 2" });
  await call("PUT", "/v1/locations/bench2/members/u1", {});
  await call("POST", "/v1/locations/bench2/contacts", { email: "contact@client.bench.test", name: "Contact" });
  const { authorizationUrl } = await call("POST", "/v1/locations/bench2/users/u1/mailbox/connect", {});
  const start = await mf.dispatchFetch(authorizationUrl, { redirect: "manual" });
  const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0];
  const { redirectUrl } = await control("POST", "/oauth/consent", {
    authorizationUrl: start.headers.get("location"),
    account: ACCOUNT,
  });
  const callback = await mf.dispatchFetch(redirectUrl, { redirect: "manual", headers: { cookie } });
  if (!String(callback.headers.get("location") ?? (await callback.text())).includes("connected"))
    throw new Error("bench: second connect failed");
  const { location } = await call("GET", "/v1/locations/bench2");
  return location;
}

async function scenario(world, { count, body, locations }) {
  const { mf, db, db2, contact, control, deliver } = world;
  for (let i = 0; i < count; i++) {
    deliver({ from: { email: contact.email, name: "Contact" }, to: ACCOUNT, subject: `Storage ${i}`, ...body(i) });
  }
  const { deliveries } = await control("POST", "/pubsub/pull", { account: ACCOUNT });
  for (const d of deliveries) await control("POST", "/pubsub/ack", { deliveryId: d.deliveryId, status: 204 });
  const before = (await rowsIn(db)) + (await rowsIn(db2));
  await counts(mf, "DELETE");
  const last = deliveries.at(-1);
  const started = performance.now();
  const answer = await mf.dispatchFetch(last.url, { method: "POST", headers: last.headers, body: last.body });
  if (answer.status !== 204) throw new Error(`bench: push answered ${answer.status}`);
  const want = before + count * locations;
  let stored = before;
  while (stored < want) {
    if (performance.now() - started > 600_000)
      throw new Error(`bench: ${stored - before} of ${count * locations} rows after 10 minutes`);
    await sleep(50);
    stored = (await rowsIn(db)) + (await rowsIn(db2));
  }
  const seconds = (performance.now() - started) / 1000;
  await sleep(1000);
  const c = await counts(mf, "GET");
  const perMessage = (n) => round(n / count, 3);
  return {
    messages: count,
    locations,
    seconds: round(seconds, 2),
    messagesPerSecond: round(count / seconds, 1),
    rowsPerSecond: round((count * locations) / seconds, 1),
    d1StatementsPerMessage: perMessage(c.statements),
    d1StatementsPerMessageByDatabase: Object.fromEntries(
      Object.entries(c.byDatabase).map(([k, n]) => [k, perMessage(n)]),
    ),
    r2OperationsPerMessage: perMessage(Object.values(c.r2).reduce((a, b) => a + b, 0)),
    r2: c.r2,
  };
}

const filler = (bytes, seed) => {
  const line = `${seed} — naïve café ✓ text of a message body, long enough to look like mail. `;
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
};

export async function benchStorage({ small = 200, large = 5, twoDatabases = 300 } = {}) {
  const script = await bundle("bench/worker-entry.mjs");
  const results = {};
  await withWorld(script, QUOTA, async (world) => {
    results.small10KB = await scenario(world, {
      count: small,
      locations: 1,
      body: (i) => ({ text: filler(5_000, `s${i}`), html: `<p>${filler(5_000, `h${i}`)}</p>` }),
    });
    results.large3MB = await scenario(world, {
      count: large,
      locations: 1,
      body: (i) => ({ text: filler(3 * 1024 * 1024, `l${i}`) }),
    });
  });
  await withWorld(script, QUOTA, async (world) => {
    const second = await connectSecondLocation(world.mf, world);
    results.twoDatabases10KB = {
      ...(await scenario(world, {
        count: twoDatabases,
        locations: 2,
        body: (i) => ({ text: filler(5_000, `d${i}`), html: `<p>${filler(5_000, `e${i}`)}</p>` }),
      })),
      secondLocationId: second.id,
    };
  });
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify({ storage: await benchStorage() }, null, 2));
}
