import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, toPage } from "../../../src/http/cursor";

describe("list cursors", () => {
  it.each([
    { at: 0, id: "a" },
    { at: 1_795_000_000_000, id: "ct_0123456789abcdef0123456789abcdef" },
    { at: 5, id: "ünïcode-id" },
  ])("round-trips %j as URL-safe text", (cursor) => {
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(cursor);
  });

  it.each([
    ["not base64url", "a+b/c="],
    ["not JSON", btoa("nope")],
    ["a JSON object", btoa('{"at":1,"id":"x"}').replace(/=+$/, "")],
    ["a non-integer time", btoa('[1.5,"x"]').replace(/=+$/, "")],
    ["a numeric id", btoa("[1,2]").replace(/=+$/, "")],
    ["three elements", btoa('[1,"x",3]').replace(/=+$/, "")],
    ["an id over 64 characters", encodeCursor({ at: 1, id: "x".repeat(65) })],
    ["empty", ""],
  ])("refuses %s", (_, value) => {
    expect(decodeCursor(value)).toBeNull();
  });

  it.each([
    [[1, 2, 3], 3, [1, 2, 3], false],
    [[1, 2, 3], 2, [1, 2], true],
    [[], 2, [], false],
  ])("toPage(%j, limit %i) → %j, more: %s", (rows, limit, items, more) => {
    const page = toPage(rows, limit, (n) => ({ at: n, id: String(n) }));
    expect(page.items).toEqual(items);
    expect(page.nextCursor === null ? null : decodeCursor(page.nextCursor)).toEqual(
      more ? { at: limit, id: String(limit) } : null,
    );
  });
});
