/**
 * The Worker's script as it deploys (issue 19 target: ≤ 200 KiB gzipped): `wrangler deploy --dry-run --outdir`
 * with wrangler.toml's own settings (minified without keep_names, zod without its translations: src/vendor/zod.js),
 * measured as Cloudflare counts it, raw and gzipped. Static assets (the /docs page) are not part of the script.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT, round } from "./harness.mjs";

export async function benchBundle() {
  const outdir = mkdtempSync(join(tmpdir(), "bundle-"));
  const run = spawnSync(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" },
  });
  if (run.status !== 0) throw new Error(`bench: wrangler deploy --dry-run failed: ${run.stderr}`);
  const scripts = readdirSync(outdir).filter((f) => f.endsWith(".js"));
  const bytes = scripts.reduce((sum, f) => sum + readFileSync(join(outdir, f)).length, 0);
  const gzipped = scripts.reduce((sum, f) => sum + gzipSync(readFileSync(join(outdir, f))).length, 0);
  const wranglerSays = /Total Upload: ([^\n]+)/.exec(run.stdout)?.[1] ?? null;
  return { rawKiB: round(bytes / 1024, 1), gzipKiB: round(gzipped / 1024, 1), targetGzipKiB: 200, wranglerSays };
}
