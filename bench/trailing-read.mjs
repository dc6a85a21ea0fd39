/**
 * Reading 15's trailing history read, measured in workerd against the emulator: a contact writes, the push
 * for it is handed to the Worker and synced; a second mail follows and its push is never handed over (Gmail
 * drops notifications above one per second). Figures: seconds from the second mail's arrival until its row
 * is in D1 (target < 60), and the Gmail quota units the mailbox spent meanwhile, by method (the trailing
 * reads' cost: 2 units per history.list; a read that finds nothing new schedules no other, so a quiet
 * mailbox pays once per change and a busy one at most 60 / 20 = 3 reads a minute, 6 units).
 */
import { bundle, round } from "./harness.mjs";
import { ACCOUNT, countRows, sleep, withWorld } from "./sync.mjs";

export async function benchTrailingRead() {
  const script = await bundle("bench/worker-entry.mjs");
  return withWorld(script, 15_000, async ({ mf, db, contact, control, deliver }) => {
    const mail = (subject) =>
      deliver({ from: { email: contact.email, name: "Contact" }, to: ACCOUNT, subject, text: subject });
    const before = await countRows(db);
    mail("First");
    const { deliveries } = await control("POST", "/pubsub/pull", { account: ACCOUNT });
    for (const d of deliveries) await control("POST", "/pubsub/ack", { deliveryId: d.deliveryId, status: 204 });
    const push = deliveries.at(-1);
    await mf.dispatchFetch(push.url, { method: "POST", headers: push.headers, body: push.body });
    while ((await countRows(db)) < before + 1) await sleep(20);

    await control("DELETE", `/accounts/${ACCOUNT}/counters`);
    mail("Second");
    const arrived = performance.now();
    const dropped = (await control("POST", "/pubsub/pull", { account: ACCOUNT })).deliveries.length;
    while ((await countRows(db)) < before + 2) {
      if (performance.now() - arrived > 120_000)
        throw new Error("bench: the second mail was not synced within 2 minutes");
      await sleep(100);
    }
    const syncedAfterS = (performance.now() - arrived) / 1000;
    // Let the trailing read after the one that found the mail run too: it finds nothing and schedules no other.
    await sleep(25_000);
    const counters = await control("GET", `/accounts/${ACCOUNT}/counters`);
    return {
      pushesPublishedForSecondMail: dropped,
      pushesHandedToWorker: 0,
      secondMailSyncedAfterSeconds: round(syncedAfterS, 1),
      gmailUnitsByMethod: counters.units,
      historyListCalls: counters.requests["users.history.list"] ?? 0,
    };
  });
}
