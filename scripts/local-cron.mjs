// The cron of wrangler.toml under `npm start`: wrangler dev runs no scheduled handler by itself, but with
// --test-scheduled it serves /__scheduled, which runs it. One short line per tick.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Cron } from "croner";

/** The `crons = [...]` of wrangler.toml's [triggers]. */
export function readCrons(root) {
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  const list = /^crons\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  return [...list.matchAll(/"([^"]+)"/g)].map((match) => match[1]);
}

export function startCron({ root, service }) {
  const jobs = readCrons(root).map(
    (expression) =>
      new Cron(expression, { protect: true }, async (job) => {
        const started = Date.now();
        const url = `${service}/__scheduled?cron=${encodeURIComponent(expression)}`;
        const outcome = await fetch(url).then(
          (res) => (res.ok ? "ok" : `HTTP ${res.status}`),
          (error) => `failed (${error.cause?.code ?? error.message})`,
        );
        const next = job.nextRun()?.toISOString().slice(11, 16) ?? "-";
        console.log(
          `[cron] ${expression}: scheduled handler ${outcome} in ${Date.now() - started} ms; next ${next} UTC`,
        );
      }),
  );
  for (const expression of readCrons(root)) console.log(`[cron] ${expression} (wrangler.toml) runs locally`);
  return () => {
    for (const job of jobs) job.stop();
  };
}
