/**
 * Reading 11: the time of each parser a sender's text reaches, over the hostile inputs of
 * test/support/adversarial-headers.ts at 10 KB, 100 KB and 1 MB (best of five runs, in Node's V8, the
 * engine workerd runs). Linear parsers (or values cut to a cap first) grow ≤ 10× per 10× of input.
 */
import { writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./harness.mjs";

const SIZES = [10 * 1024, 100 * 1024, 1024 * 1024];

async function loadCases() {
  const out = await build({
    entryPoints: [`${ROOT}/test/support/adversarial-headers.ts`],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
  });
  const file = join(tmpdir(), `adversarial-${process.pid}.mjs`);
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return (await import(file)).ADVERSARIAL_CASES;
  } finally {
    rmSync(file, { force: true });
  }
}

function bestMs(parse) {
  let best = Infinity;
  for (let round = 0; round < 5; round += 1) {
    const started = performance.now();
    let calls = 0;
    do {
      parse();
      calls += 1;
    } while (performance.now() - started < 20);
    best = Math.min(best, (performance.now() - started) / calls);
  }
  return best;
}

export async function benchParsers() {
  const cases = await loadCases();
  const rows = {};
  for (const item of cases) {
    const times = SIZES.map((bytes) => bestMs(item.prepare(bytes)));
    rows[item.name] = {
      "10KB_ms": Number(times[0].toFixed(4)),
      "100KB_ms": Number(times[1].toFixed(4)),
      "1MB_ms": Number(times[2].toFixed(4)),
      ratio_100KB_to_10KB: Number((times[1] / times[0]).toFixed(1)),
    };
  }
  return rows;
}
