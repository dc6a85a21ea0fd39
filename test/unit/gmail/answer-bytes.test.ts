import { afterEach, describe, expect, it, vi } from "vitest";
import { GmailClient } from "../../../src/gmail/client";
import { fetchText } from "../../../src/gmail/deadline";
import { batchGetMessages } from "../../../src/gmail/messages";

/** Google's answer as it comes off the wire: bytes in chunks cut wherever the network cuts them. */
function answerIn(chunks: Uint8Array[], contentType: string): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": contentType } });
}

/** Cuts `bytes` in the middle of the first multi-byte character, so no chunk decodes on its own. */
function cutMidCharacter(bytes: Uint8Array): Uint8Array[] {
  const at = bytes.findIndex((b) => b >= 0xc0) + 1;
  return [bytes.slice(0, at), bytes.slice(at, at + 1), bytes.slice(at + 1)];
}

const batchAnswer = (boundary: string) =>
  [
    `--${boundary}`,
    "Content-Type: application/http",
    "Content-ID: <response-m0>",
    "",
    "HTTP/1.1 200 OK",
    "Content-Type: application/json; charset=UTF-8",
    "",
    JSON.stringify({ id: "g1", snippet: "Déjà vu — ✓ 日本語 😀" }),
    `--${boundary}--`,
    "",
  ].join("\r\n");

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Gmail answers are read as bytes and decoded as UTF-8", () => {
  it("fetchText: a multipart/mixed answer cut inside a character decodes whole", async () => {
    const text = batchAnswer("batch_u");
    const chunks = cutMidCharacter(new TextEncoder().encode(text));
    expect(chunks.every((c) => c.byteLength > 0)).toBe(true);
    vi.spyOn(globalThis, "fetch").mockResolvedValue(answerIn(chunks, "multipart/mixed; boundary=batch_u"));
    const answer = await fetchText("http://google.test/batch/gmail/v1", { method: "POST" }, 2_000);
    expect(answer).toMatchObject({ status: 200, ok: true, text });
  });

  it("batchGetMessages: non-ASCII JSON in a batch part reaches the message intact", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
      // The answer's boundary is Google's own, not the request's.
      expect(String(new Headers(init?.headers).get("content-type"))).toMatch(/^multipart\/mixed; boundary=/);
      return answerIn(
        cutMidCharacter(new TextEncoder().encode(batchAnswer("batch_google"))),
        "multipart/mixed; boundary=batch_google",
      );
    });
    const client = new GmailClient({
      baseUrl: "http://google.test",
      accessToken: async () => "token",
      timeoutMs: 2_000,
    });
    const [item] = await batchGetMessages(client, ["g1"]);
    expect(item).toMatchObject({ id: "g1", ok: true, value: { id: "g1", snippet: "Déjà vu — ✓ 日本語 😀" } });
  });
});
