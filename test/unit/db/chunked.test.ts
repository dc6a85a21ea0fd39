import { describe, expect, it } from "vitest";
import { chunked, perStatement } from "../../../src/db/chunked";

describe("chunked", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `id${i}`);
  it.each<[string, number, number, number[]]>([
    ["nothing: no statement at all", 0, 90, []],
    ["fewer than one statement holds", 3, 90, [3]],
    ["exactly one statement's worth", 90, 90, [90]],
    ["one more than a statement holds", 91, 90, [90, 1]],
    ["several full statements and a rest", 205, 90, [90, 90, 25]],
    ["one per statement", 3, 1, [1, 1, 1]],
  ])("%s", (_name, count, perQuery, sizes) => {
    const pieces = chunked(ids(count), perQuery);
    expect(pieces.map((p) => p.length)).toEqual(sizes);
    expect(pieces.flat()).toEqual(ids(count));
  });

  it.each([0, -1, 2.5, Number.NaN])("refuses a per-query size of %s (it would never end or lose ids)", (perQuery) => {
    expect(() => chunked(ids(3), perQuery)).toThrow(RangeError);
  });
});

describe("perStatement: D1 binds at most 100 parameters per statement", () => {
  it.each<[number, number]>([
    [1, 90],
    [2, 45],
    [9, 10],
  ])("rows of %i parameters: %i per statement, leaving room for the rest of it", (perRow, expected) => {
    expect(perStatement(perRow)).toBe(expected);
    expect(perStatement(perRow) * perRow).toBeLessThanOrEqual(90);
  });
});
