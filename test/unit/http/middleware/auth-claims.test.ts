import { describe, expect, it } from "vitest";
import { principalFromClaims } from "../../../../src/http/middleware/auth";

describe("principalFromClaims", () => {
  it.each([
    [{ role: "admin" }, { role: "admin" }],
    [{ role: "admin", loc: "x" }, { role: "admin" }],
    [{ loc: "loc_1-A" }, { role: "location", locationId: "loc_1-A" }],
    [
      { role: "viewer", loc: "loc1" },
      { role: "location", locationId: "loc1" },
    ],
    [{ role: "Admin" }, null],
    [{ loc: "" }, null],
    [{ loc: "a/b" }, null],
    [{ loc: "x".repeat(65) }, null],
    [{ loc: 7 }, null],
    [{}, null],
  ])("%j → %j", (claims, principal) => {
    expect(principalFromClaims(claims)).toEqual(principal);
  });
});
