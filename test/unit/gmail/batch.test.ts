import { describe, expect, it } from "vitest";
import { boundaryOf, buildBatchBody, parseBatchResponse } from "../../../src/gmail/batch";

describe("Gmail batch format", () => {
  it("builds one application/http part per call", () => {
    const body = buildBatchBody(
      [
        { id: "m1", method: "GET", path: "/gmail/v1/users/me/messages/m1?format=full" },
        { id: "m2", method: "GET", path: "/gmail/v1/users/me/messages/m2?format=full" },
      ],
      "b0",
    );
    expect(body).toBe(
      "--b0\r\nContent-Type: application/http\r\nContent-ID: <m1>\r\n\r\nGET /gmail/v1/users/me/messages/m1?format=full\r\n\r\n" +
        "--b0\r\nContent-Type: application/http\r\nContent-ID: <m2>\r\n\r\nGET /gmail/v1/users/me/messages/m2?format=full\r\n\r\n--b0--\r\n",
    );
  });

  it.each([
    ["multipart/mixed; boundary=batch_abc", "batch_abc"],
    ['multipart/mixed; boundary="quoted b"', "quoted b"],
    ["application/json", null],
    [null, null],
  ])("boundaryOf(%s)", (header, expected) => {
    expect(boundaryOf(header)).toBe(expected);
  });

  it("parses Google's answer, matching items by Content-ID, with per-item status", () => {
    const answer = [
      "--batch_x",
      "Content-Type: application/http",
      "Content-ID: <response-m1>",
      "",
      "HTTP/1.1 200 OK",
      "Content-Type: application/json; charset=UTF-8",
      "",
      '{"id":"m1"}',
      "--batch_x",
      "Content-Type: application/http",
      "Content-ID: <response-m2>",
      "",
      "HTTP/1.1 429 Too Many Requests",
      "Retry-After: 3",
      "",
      '{"error":{"code":429}}',
      "--batch_x",
      "garbage without blank line",
      "--batch_x--",
      "",
    ].join("\r\n");
    const items = parseBatchResponse("multipart/mixed; boundary=batch_x", answer);
    expect(items.map((i) => [i.id, i.status, i.body])).toEqual([
      ["m1", 200, '{"id":"m1"}'],
      ["m2", 429, '{"error":{"code":429}}'],
    ]);
    expect(items[1]?.headers.get("retry-after")).toBe("3");
  });

  it("an answer that is not multipart yields no items", () => {
    expect(parseBatchResponse("application/json", "{}")).toEqual([]);
  });
});
