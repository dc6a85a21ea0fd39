/**
 * `npm run bench`: each path's bench in turn, figures printed as JSON. Not a timed test: the targets are
 * read by a person (see each bench's header for what is measured and how).
 */
const only = process.argv.slice(2);
const benches = [
  ["bundle", async () => (await import("./bundle.mjs")).benchBundle()],
  ["sync", async () => (await import("./sync.mjs")).benchSync()],
  ["state", async () => (await import("./state.mjs")).benchState()],
  ["storage", async () => (await import("./storage.mjs")).benchStorage()],
  ["events", async () => (await import("./events.mjs")).benchEvents()],
  ["reconcile", async () => (await import("./reconcile.mjs")).benchReconcile()],
  ["cron", async () => (await import("./cron.mjs")).benchCron()],
  ["send", async () => (await import("./send.mjs")).benchSend()],
  ["attachment", async () => (await import("./attachment.mjs")).benchAttachment()],
  ["parsers", async () => (await import("./parsers.mjs")).benchParsers()],
  ["trailing-read", async () => (await import("./trailing-read.mjs")).benchTrailingRead()],
];
const results = {};
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  results[name] = await run();
  console.log(JSON.stringify({ [name]: results[name] }, null, 2));
}
