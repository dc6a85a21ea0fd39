/*
 * Issue 19: the JSON send is read as it arrives. Its attachments' base64 is streamed out of the text and
 * staged; everything a client sees stays as when the body was parsed whole: the same bytes in Gmail, the
 * same refusals in the same order, the same Idempotency-Key verdicts.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE_URL as BASE, locationToken } from "../support/api";
import { bytesBase64, connectedSender, newKey, sentInGmail, type Sender, type SentMessageJson } from "./support";

type Answer = {
  status: number;
  body: { message: SentMessageJson; error?: { code: string; message: string; details?: unknown } };
};

/** POST …/messages with `text` as the body, chunked (no Content-Length) in pieces of `chunkBytes`. */
async function postJsonText(sender: Sender, text: string, headers: Record<string, string> = {}, chunkBytes = 65_536) {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunkBytes));
      at += chunkBytes;
    },
  });
  const request = new Request(`${BASE}/v1/locations/${sender.locationId}/messages`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await locationToken(sender.locationId)}`,
      "content-type": "application/json",
      ...headers,
    },
    body,
  });
  const res = await exports.default.fetch(request);
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

/** The send's JSON, written by hand so a test can choose how the base64 is escaped. */
function sendText(sender: Sender, attachments: { filename: string; contentBase64Literal: string }[], text = "hi") {
  const items = attachments.map(
    (a) =>
      `{"filename":${JSON.stringify(a.filename)},"contentType":"application/pdf","contentBase64":${a.contentBase64Literal}}`,
  );
  return `{"userId":"${sender.userId}","contactId":"${sender.contactId}","text":"${text}","attachments":[${items.join(",")}]}`;
}

async function stagedObjects(locationId: string): Promise<number> {
  return (await env.ATTACHMENTS.list({ prefix: `staging/${locationId}/` })).objects.length;
}

describe("the JSON send, streamed (issue 19, R17, R25)", () => {
  it("R17: a 6 MB attachment (an R2 multipart upload of two parts) and a small one (kept in memory) arrive byte-identical; staging is emptied", async () => {
    const sender = await connectedSender();
    const big = bytesBase64(6 * 1024 * 1024 + 1_001, 5);
    const small = bytesBase64(2_000, 9);
    const res = await postJsonText(
      sender,
      sendText(sender, [
        { filename: "big.pdf", contentBase64Literal: JSON.stringify(big.base64) },
        { filename: "small.pdf", contentBase64Literal: JSON.stringify(small.base64) },
      ]),
    );
    expect(res.status).toBe(201);
    expect(res.body.message.attachments).toMatchObject([
      { filename: "big.pdf", size: big.bytes.length },
      { filename: "small.pdf", size: small.bytes.length },
    ]);
    const sent = await sentInGmail(sender.address);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.attachments[0]?.contentBase64 === big.base64).toBe(true);
    expect(sent[0]?.attachments[1]?.contentBase64 === small.base64).toBe(true);
    expect(await stagedObjects(sender.locationId)).toBe(0);
  }, 60_000);

  it("R25: base64 written with escapes (\\/ and \\u0041) is the same request as plain: same bytes sent, one message under one key", async () => {
    const sender = await connectedSender();
    const file = bytesBase64(300_000, 3);
    expect(file.base64).toContain("/");
    const escaped = `"${file.base64.replaceAll("/", "\\/").replaceAll("A", "\\u0041")}"`;
    const key = newKey();
    const first = await postJsonText(
      sender,
      sendText(sender, [{ filename: "a.pdf", contentBase64Literal: escaped }]),
      { "idempotency-key": key },
      1_000,
    );
    expect(first.status).toBe(201);
    const replay = await postJsonText(
      sender,
      sendText(sender, [{ filename: "a.pdf", contentBase64Literal: JSON.stringify(file.base64) }]),
      { "idempotency-key": key },
    );
    expect(replay.status).toBe(201);
    expect(replay.body.message.id).toBe(first.body.message.id);
    const sent = await sentInGmail(sender.address);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.attachments[0]?.contentBase64 === file.base64).toBe(true);

    const other = bytesBase64(300_000, 4);
    const reused = await postJsonText(
      sender,
      sendText(sender, [{ filename: "a.pdf", contentBase64Literal: JSON.stringify(other.base64) }]),
      { "idempotency-key": key },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: "idempotency_key_reuse" });
    expect(await sentInGmail(sender.address)).toHaveLength(1);
  }, 60_000);

  it("R17: base64 that is not canonical is refused 400 at its path with the schema's message; nothing sent or staged", async () => {
    const sender = await connectedSender();
    const big = bytesBase64(6 * 1024 * 1024, 2).base64;
    for (const literal of [`"${big}!"`, `"${big.slice(0, -1)}"`, `"QQ==${big}"`, `"${big.replaceAll("+", "-")}"`]) {
      const res = await postJsonText(
        sender,
        sendText(sender, [
          { filename: "ok.pdf", contentBase64Literal: '"QUJD"' },
          { filename: "bad.pdf", contentBase64Literal: literal },
        ]),
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        code: "invalid_request",
        message: "The request json is invalid; see details.issues.",
        details: {
          target: "json",
          issues: [
            {
              path: ["attachments", "1", "contentBase64"],
              code: "custom",
              message: "must be base64 (RFC 4648, padded, no line breaks)",
            },
          ],
        },
      });
    }
    expect(await sentInGmail(sender.address)).toHaveLength(0);
    expect(await stagedObjects(sender.locationId)).toBe(0);
  }, 60_000);

  it("R24: a body that is not JSON is refused 400 as before, also when the flaw is inside an attachment's base64", async () => {
    const sender = await connectedSender();
    const cases = [
      sendText(sender, [{ filename: "a.pdf", contentBase64Literal: '"QU\nJD"' }]),
      sendText(sender, [{ filename: "a.pdf", contentBase64Literal: '"QU\\qJD"' }]),
      `${sendText(sender, [{ filename: "a.pdf", contentBase64Literal: '"QUJD"' }])},`,
      sendText(sender, [{ filename: "a.pdf", contentBase64Literal: '"QUJD' }]),
      "",
    ];
    for (const text of cases) {
      const res = await postJsonText(sender, text);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ code: "invalid_request", message: "The request body is not valid JSON." });
    }
    expect(await sentInGmail(sender.address)).toHaveLength(0);
    expect(await stagedObjects(sender.locationId)).toBe(0);
  });

  it("R17: the fields are judged before the cap, as before: a bad field with 26 MB of attachments is a 400, the same body with good fields a 413", async () => {
    const sender = await connectedSender();
    const half = bytesBase64(13_200_000, 6);
    const body = (userId: string) =>
      sendText({ ...sender, userId }, [
        { filename: "a.pdf", contentBase64Literal: JSON.stringify(half.base64) },
        { filename: "b.pdf", contentBase64Literal: JSON.stringify(half.base64) },
      ]);
    const invalid = await postJsonText(sender, body(""));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: "invalid_request", details: { target: "json" } });
    const tooMuch = await postJsonText(sender, body(sender.userId));
    expect(tooMuch.status).toBe(413);
    expect(tooMuch.body.error).toMatchObject({
      code: "attachments_too_large",
      details: { totalBytes: 26_400_000, maxBytes: 26_214_400 },
    });
    expect(await sentInGmail(sender.address)).toHaveLength(0);
    expect(await stagedObjects(sender.locationId)).toBe(0);
  }, 120_000);

  it("R24: a body past the send's limit with no Content-Length is refused 413 payload_too_large as it streams; nothing staged", async () => {
    const sender = await connectedSender();
    const file = bytesBase64(30_000_000, 8);
    const res = await postJsonText(
      sender,
      sendText(sender, [{ filename: "a.pdf", contentBase64Literal: JSON.stringify(file.base64) }]),
    );
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: "payload_too_large" });
    expect(await sentInGmail(sender.address)).toHaveLength(0);
    expect(await stagedObjects(sender.locationId)).toBe(0);
  }, 120_000);

  it("R24: a body in another media type is refused 415, and the route is documented with both forms", async () => {
    const sender = await connectedSender();
    const res = await postJsonText(sender, "userId=x", { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: "unsupported_media_type" });
    const doc = (await (await exports.default.fetch(`${BASE}/openapi.json`)).json()) as {
      paths: Record<string, { post?: { requestBody?: { content: Record<string, unknown> } } }>;
    };
    const content = doc.paths["/v1/locations/{locationId}/messages"]?.post?.requestBody?.content ?? {};
    expect(Object.keys(content).sort()).toEqual(["application/json", "multipart/form-data"]);
    expect(content["application/json"]).toEqual({ schema: { $ref: "#/components/schemas/SendMessageBody" } });
  });
});
