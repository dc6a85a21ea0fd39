import type { gmail_v1 } from "@googleapis/gmail";
import { describe, expect, it } from "vitest";
import { locateGmailPart } from "../../../src/gmail/message-part";

/** A messages.get (format full) answer as Gmail shapes it: a mixed part holding an alternative and files. */
const message: gmail_v1.Schema$Message = {
  id: "18c",
  payload: {
    partId: "",
    mimeType: "multipart/mixed",
    body: { size: 0 },
    parts: [
      {
        partId: "0",
        mimeType: "multipart/alternative",
        body: { size: 0 },
        parts: [
          { partId: "0.0", mimeType: "text/plain", body: { size: 5, data: "aGVsbG8" } },
          { partId: "0.1", mimeType: "image/png", body: { size: 3, data: "UE5H" } },
        ],
      },
      {
        partId: "1",
        mimeType: "application/pdf",
        filename: "a.pdf",
        body: { size: 25_165_824, attachmentId: "ANGjdJ1" },
      },
      { partId: "2", mimeType: "text/plain", filename: "empty.txt", body: { size: 0 } },
    ],
  },
};

describe("reading 12: locateGmailPart finds a part's content by its stable part id", () => {
  it.each([
    [
      "an attachment Gmail hands by id, with this read's size",
      "1",
      { kind: "attachment", attachmentId: "ANGjdJ1", size: 25_165_824 },
    ],
    ["a small part Gmail sends inline, nested", "0.1", { kind: "inline", data: "UE5H" }],
    ["a part without content", "2", { kind: "inline", data: "" }],
    ["no such part", "7", null],
    ["a container is found but holds nothing", "0", { kind: "inline", data: "" }],
  ])("reading 12: %s", (_name, partId, expected) => {
    expect(locateGmailPart(message, partId)).toEqual(expected);
  });

  it("reading 12: a message without a payload has no parts", () => {
    expect(locateGmailPart({ id: "x" }, "1")).toBeNull();
  });
});
