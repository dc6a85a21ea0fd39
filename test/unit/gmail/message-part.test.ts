import type { gmail_v1 } from "@googleapis/gmail";
import { describe, expect, it } from "vitest";
import {
  locateGmailPart,
  partIdOfData,
  partsNumberedByPlace,
  readKeepingPartData,
} from "../../../src/gmail/message-part";
import { cutAnywhere, seeded } from "../../support/random";

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

/** `message` with a 1 MB html body inline in part 0.0, as a big newsletter would come. */
function withBigBody(): gmail_v1.Schema$Message {
  const copy = structuredClone(message);
  const alternative = copy.payload?.parts?.[0]?.parts?.[0];
  if (alternative?.body) alternative.body.data = "PGI-".repeat(256 * 1024);
  return copy;
}

async function readThrough(text: string, partId: string) {
  const reader = readKeepingPartData(partId);
  const pieces = cutAnywhere(new TextEncoder().encode(text), seeded(12));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  const skeleton = await reader.read(body);
  return { skeleton, data: reader.data() };
}

describe("reading 12: the attachment lookup keeps one part's inline data, dropping the rest as it streams", () => {
  it.each([
    [["payload", "body", "data"], ""],
    [["payload", "parts", 1, "body", "data"], "1"],
    [["payload", "parts", 0, "parts", 1, "body", "data"], "0.1"],
    [["payload", "parts", 0, "body", "size"], null],
    [["payload", "parts", "x", "body", "data"], null],
    [["payload", "headers", 0, "body", "data"], null],
    [["raw"], null],
  ] as const)("partIdOfData(%j) is %j", (path, expected) => {
    expect(partIdOfData(path)).toBe(expected);
  });

  it("keeps the asked part's data and leaves the others' as empty strings; the rest of the answer is intact", async () => {
    const big = withBigBody();
    const { skeleton, data } = await readThrough(JSON.stringify(big), "0.1");
    expect(data).toBe("UE5H");
    expect(skeleton.length).toBeLessThan(2_000);
    const parsed = JSON.parse(skeleton) as gmail_v1.Schema$Message;
    expect(locateGmailPart(parsed, "1")).toEqual(locateGmailPart(big, "1"));
    expect(parsed.payload?.parts?.[0]?.parts?.[0]?.body).toEqual({ size: 5, data: "" });
    expect(partsNumberedByPlace(parsed)).toBe(true);
  });

  it("no data at the asked place: null (an attachment by id, or an empty part)", async () => {
    expect((await readThrough(JSON.stringify(message), "1")).data).toBeNull();
    expect((await readThrough(JSON.stringify(message), "2")).data).toBeNull();
  });

  it("parts numbered otherwise than by their place are seen, so the download reads the message whole", () => {
    expect(partsNumberedByPlace(message)).toBe(true);
    const renumbered = structuredClone(message);
    const first = renumbered.payload?.parts?.[0];
    if (first) first.partId = "7";
    expect(partsNumberedByPlace(renumbered)).toBe(false);
  });

  it("a part nested deeper than the reader tracks keeps its data in the answer itself (not dropped, not lost)", async () => {
    let part: gmail_v1.Schema$MessagePart = { partId: "", mimeType: "image/png", body: { size: 3, data: "UE5H" } };
    let id = "";
    for (let level = 0; level < 20; level++) {
      id = id === "" ? "0" : `${id}.0`;
      part = { partId: "", mimeType: "multipart/mixed", body: { size: 0 }, parts: [part] };
    }
    const renumber = (p: gmail_v1.Schema$MessagePart, at: string) => {
      p.partId = at;
      for (const [i, child] of (p.parts ?? []).entries()) renumber(child, at === "" ? String(i) : `${at}.${i}`);
    };
    renumber(part, "");
    const deep: gmail_v1.Schema$Message = { id: "deep", payload: part };
    const { skeleton, data } = await readThrough(JSON.stringify(deep), id);
    expect(data).toBeNull();
    const parsed = JSON.parse(skeleton) as gmail_v1.Schema$Message;
    expect(partsNumberedByPlace(parsed)).toBe(true);
    expect(locateGmailPart(parsed, id)).toEqual({ kind: "inline", data: "UE5H" });
  });
});
