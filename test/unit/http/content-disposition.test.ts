import { describe, expect, it } from "vitest";
import { attachmentDisposition, safeContentType } from "../../../src/http/content-disposition";

describe("attachmentDisposition (RFC 6266 / RFC 5987)", () => {
  it.each([
    ["report.pdf", `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`],
    ["Réunion.pdf", `attachment; filename="R_union.pdf"; filename*=UTF-8''R%C3%A9union.pdf`],
    ['a"b\\c.txt', `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`],
    [
      "evil\r\nSet-Cookie: x=y.txt",
      `attachment; filename="evilSet-Cookie: x=y.txt"; filename*=UTF-8''evilSet-Cookie%3A%20x%3Dy.txt`,
    ],
    ["it's (1)*.txt", `attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`],
    ["100%.txt", `attachment; filename="100_.txt"; filename*=UTF-8''100%25.txt`],
    ["", `attachment; filename="attachment"; filename*=UTF-8''attachment`],
    ["日本.txt", `attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`],
  ])("%j → %s", (filename, header) => {
    expect(attachmentDisposition(filename)).toBe(header);
    expect(new Headers({ "content-disposition": attachmentDisposition(filename) }).get("content-disposition")).toBe(
      header,
    );
  });
});

describe("safeContentType", () => {
  it.each([
    ["application/pdf", "application/pdf"],
    ["Image/PNG", "image/png"],
    ["text/plain; charset=utf-8", "text/plain"],
    ["text/html\r\nSet-Cookie: a=b", "application/octet-stream"],
    ["nonsense", "application/octet-stream"],
    ["", "application/octet-stream"],
    [
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ],
  ])("%j → %s", (stored, served) => {
    expect(safeContentType(stored)).toBe(served);
  });
});
