import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { UPLOAD_THRESHOLD_BYTES } from "../../src/gmail/send";
import { BASE_URL as BASE, locationToken } from "../support/api";
import { advanceClock, counters } from "../support/google";
import { bytesBase64, connectedSender, newKey, sentInGmail, type Sender, type SentMessageJson } from "./support";

interface FileSpec {
  part: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
  /** What the message part declares; the file's own length unless a test lies. */
  size?: number;
}

type Answer = { status: number; body: { message: SentMessageJson; error?: { code: string; details?: unknown } } };

/** POST …/messages as multipart/form-data: the `message` field, then one file part per attachment. */
async function sendForm(
  sender: Sender,
  message: Record<string, unknown>,
  files: FileSpec[],
  key?: string,
): Promise<Answer> {
  const form = new FormData();
  const attachments = files.map((f) => ({
    filename: f.filename,
    contentType: f.contentType,
    part: f.part,
    size: f.size ?? f.bytes.length,
  }));
  form.append(
    "message",
    JSON.stringify({ userId: sender.userId, contactId: sender.contactId, ...message, attachments }),
  );
  for (const f of files) form.append(f.part, new File([f.bytes], f.filename, { type: f.contentType }));
  return post(sender, form, key === undefined ? {} : { "idempotency-key": key });
}

async function post(sender: Sender, body: BodyInit, headers: Record<string, string>): Promise<Answer> {
  const request = new Request(`${BASE}/v1/locations/${sender.locationId}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${await locationToken(sender.locationId)}`, ...headers },
    body,
  });
  const res = await exports.default.fetch(request);
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

async function stagedObjects(locationId: string): Promise<number> {
  return (await env.ATTACHMENTS.list({ prefix: `staging/${locationId}/` })).objects.length;
}

describe("multipart/form-data sends (R17, R13, R25)", () => {
  it("R17: a multipart send with two attachments arrives byte-identical in Gmail's Sent, streamed, staging cleared", async () => {
    const sender = await connectedSender();
    const big = bytesBase64(UPLOAD_THRESHOLD_BYTES + 300_001, 5);
    const small = bytesBase64(1_000, 9);
    const res = await sendForm(sender, { subject: "Two files", text: "see attached" }, [
      { part: "f1", filename: "scan.pdf", contentType: "application/pdf", bytes: big.bytes },
      { part: "f2", filename: "note.txt", contentType: "text/plain", bytes: small.bytes },
    ]);
    expect(res.status).toBe(201);
    const sent = await sentInGmail(sender.address);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.attachments.map((a) => a.filename)).toEqual(["scan.pdf", "note.txt"]);
    expect(sent[0]?.attachments[0]?.contentBase64 === big.base64).toBe(true);
    expect(sent[0]?.attachments[1]?.contentBase64 === small.base64).toBe(true);
    expect(res.body.message.attachments).toMatchObject([
      { filename: "scan.pdf", size: big.bytes.length },
      { filename: "note.txt", size: small.bytes.length },
    ]);
    expect(await stagedObjects(sender.locationId)).toBe(0);
  }, 60_000);

  it("R17: a second upload attempt reopens the staged bytes (token refused mid-upload), still byte-exact, sent once", async () => {
    const sender = await connectedSender();
    const file = bytesBase64(200_000, 3);
    await advanceClock(sender.address, 2 * 60 * 60 * 1000);
    const res = await sendForm(sender, { text: "retry me" }, [
      { part: "doc", filename: "a.bin", contentType: "application/octet-stream", bytes: file.bytes },
    ]);
    expect(res.status).toBe(201);
    const sent = await sentInGmail(sender.address);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.attachments[0]?.contentBase64 === file.base64).toBe(true);
  }, 60_000);

  it("R17: a file part whose length differs from its declared size is refused 400 and nothing is sent", async () => {
    const sender = await connectedSender();
    const file = bytesBase64(10_000, 1);
    for (const size of [9_999, 10_001]) {
      const res = await sendForm(sender, { text: "x" }, [
        { part: "f", filename: "a.bin", contentType: "application/octet-stream", bytes: file.bytes, size },
      ]);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_request" });
      expect(JSON.stringify(res.body.error?.details)).toContain("size_mismatch");
    }
    expect(await sentInGmail(sender.address)).toHaveLength(0);
    expect(await stagedObjects(sender.locationId)).toBe(0);
  });

  it("R17: a form sent without Content-Length (chunked) streams through byte-exact", async () => {
    const sender = await connectedSender();
    const file = bytesBase64(UPLOAD_THRESHOLD_BYTES + 1_001, 3);
    const form = new FormData();
    const attachments = [
      { filename: "c.bin", contentType: "application/octet-stream", part: "c", size: file.bytes.length },
    ];
    form.append(
      "message",
      JSON.stringify({ userId: sender.userId, contactId: sender.contactId, text: "c", attachments }),
    );
    form.append("c", new File([file.bytes], "c.bin", { type: "application/octet-stream" }));
    const encoded = new Response(form);
    const res = await post(sender, encoded.body as ReadableStream<Uint8Array>, {
      "content-type": encoded.headers.get("content-type") ?? "",
    });
    expect(res.status).toBe(201);
    const sent = await sentInGmail(sender.address);
    expect(sent[0]?.attachments[0]?.contentBase64 === file.base64).toBe(true);
    expect(await stagedObjects(sender.locationId)).toBe(0);
  }, 60_000);

  it("R17: a chunked form is read as it arrives, never buffered whole: a bad message part is refused while the body is still open", async () => {
    const sender = await connectedSender();
    const boundary = "chunkedB0undary";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\nnot json\r\n--${boundary}\r\n`;
    // Never closed: a limit that counts the whole body before the form is read would wait here forever.
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode(head)),
    });
    const res = await post(sender, body, { "content-type": `multipart/form-data; boundary=${boundary}` });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_request" });
    expect(await sentInGmail(sender.address)).toHaveLength(0);
  }, 20_000);

  it("R17: declared sizes over the 25 MB cap answer 413 attachments_too_large before anything is read or sent", async () => {
    const sender = await connectedSender();
    const before = await counters(sender.address);
    const res = await sendForm(sender, { text: "too big" }, [
      {
        part: "a",
        filename: "a.bin",
        contentType: "application/octet-stream",
        bytes: new Uint8Array(10),
        size: 20_000_000,
      },
      {
        part: "b",
        filename: "b.bin",
        contentType: "application/octet-stream",
        bytes: new Uint8Array(10),
        size: 6_214_401,
      },
    ]);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: "attachments_too_large", details: { totalBytes: 26_214_401 } });
    expect(await sentInGmail(sender.address)).toHaveLength(0);
    expect(await counters(sender.address)).toEqual(before);
    expect(await stagedObjects(sender.locationId)).toBe(0);
  });

  it("R17: a malformed form answers 400 invalid_request and sends nothing", async () => {
    const sender = await connectedSender();
    const boundary = "b0undary";
    const type = { "content-type": `multipart/form-data; boundary=${boundary}` };
    const message = JSON.stringify({ userId: sender.userId, contactId: sender.contactId, text: "x" });
    const bodies = [
      "no boundary at all",
      `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\n${message}`, // never closed
      `--${boundary}\r\nContent-Disposition: form-data; name="other"\r\n\r\n{}\r\n--${boundary}--\r\n`, // no message
      `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\nnot json\r\n--${boundary}--\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\n${message}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="stray"; filename="x"\r\n\r\nxx\r\n--${boundary}--\r\n`,
    ];
    for (const body of bodies) {
      const res = await post(sender, body, type);
      expect(res.status, body.slice(0, 60)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_request" });
    }
    const missing = await sendForm(sender, { text: "x", attachments: undefined }, []);
    expect(missing.status).toBe(201);
    // A declared attachment whose file part never comes.
    const form = new FormData();
    form.append(
      "message",
      JSON.stringify({
        userId: sender.userId,
        contactId: sender.contactId,
        text: "x",
        attachments: [{ filename: "a.bin", contentType: "application/octet-stream", part: "f", size: 3 }],
      }),
    );
    const absent = await post(sender, form, {});
    expect(absent.status).toBe(400);
    expect(absent.body.error).toMatchObject({ code: "invalid_request" });
    expect(await sentInGmail(sender.address)).toHaveLength(1);
  });

  it("R17: the same Idempotency-Key and form twice sends once and answers the first 201; other bytes are refused 422", async () => {
    const sender = await connectedSender();
    const key = newKey();
    const file = bytesBase64(50_000, 4);
    const spec = [{ part: "f", filename: "a.bin", contentType: "application/octet-stream", bytes: file.bytes }];
    const first = await sendForm(sender, { subject: "Once", text: "once" }, spec, key);
    const second = await sendForm(sender, { text: "once", subject: "Once" }, spec, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const other = bytesBase64(50_000, 5);
    const changed = await sendForm(
      sender,
      { subject: "Once", text: "once" },
      [{ ...spec[0]!, bytes: other.bytes }],
      key,
    );
    expect(changed.status).toBe(422);
    expect(changed.body.error).toMatchObject({ code: "idempotency_key_reuse" });
    expect(await sentInGmail(sender.address)).toHaveLength(1);
  });

  it("R17: /openapi.json documents the send's two request content types", async () => {
    const res = await exports.default.fetch(new Request(`${BASE}/openapi.json`));
    const doc = (await res.json()) as {
      paths: Record<string, { post?: { requestBody?: { content: Record<string, unknown> } } }>;
    };
    const content = doc.paths["/v1/locations/{locationId}/messages"]?.post?.requestBody?.content ?? {};
    expect(Object.keys(content).sort()).toEqual(["application/json", "multipart/form-data"]);
  });
});
