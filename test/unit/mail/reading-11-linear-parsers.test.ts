import { describe, expect, it } from "vitest";
import { ADVERSARIAL_CASES, type AdversarialCase } from "../../support/adversarial-headers";

/*
 * Reading 11: no header value, however built, costs more than a linear pass. Not a timing target (the
 * bench prints times): the ratio of the work for 100 KB to the work for 10 KB of the same hostile shape.
 * Linear (or cut to a cap) gives 10 or less (a little more as 100 KB leaves the CPU caches); the quadratic
 * patterns this replaced gave 110 to 135.
 */
const SMALL = 10 * 1024;
const LARGE = 100 * 1024;
const MAX_RATIO = 40;

/** Time the clock must show for one measurement: far above its granularity. */
const MEASURE_MS = 40;

/** Milliseconds per call: best of five rounds, each repeating the call until MEASURE_MS have passed. */
function workMs(item: AdversarialCase, bytes: number): number {
  const parse = item.prepare(bytes);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round += 1) {
    const started = performance.now();
    let calls = 0;
    while (performance.now() - started < MEASURE_MS) {
      parse();
      calls += 1;
    }
    best = Math.min(best, (performance.now() - started) / calls);
  }
  return best;
}

describe("reading 11: header parsing grows linearly with the value", () => {
  it.each(ADVERSARIAL_CASES.map((c) => [c.name, c] as const))("reading 11: %s", (_name, item) => {
    item.prepare(LARGE)(); // warm the code paths up before measuring
    const small = workMs(item, SMALL);
    const large = workMs(item, LARGE);
    expect(large / small).toBeLessThan(MAX_RATIO);
  });
});
