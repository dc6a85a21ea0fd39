import { describe, expect, it } from "vitest";
import { answerDeadlineMs, UPLOAD_BYTES_PER_SEC } from "../../../src/gmail/deadline";

describe("answerDeadlineMs", () => {
  it.each<[string, number, number, number]>([
    ["an ordinary call gets the base deadline", 30_000, 0, 30_000],
    ["a small JSON body adds under a second", 30_000, 1_000, 30_004],
    ["a 3 MiB send adds 12 s", 30_000, 3 * 1024 * 1024, 42_000],
    ["a 35 MB upload (Gmail's most) adds about 134 s", 30_000, 35_000_000, 163_515],
    ["the test setting scales the same way", 2_000, UPLOAD_BYTES_PER_SEC, 3_000],
    ["a negative size counts as none", 2_000, -5, 2_000],
  ])("%s", (_name, baseMs, bytes, expected) => {
    expect(answerDeadlineMs(baseMs, bytes)).toBe(expected);
  });
});
