import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SendMessageBody } from "../../../../src/http/schemas/send";
import { stageJsonSend } from "../../../../src/http/send-body/stage-json";
import { canonicalJson } from "../../../../src/send/idempotency";
import { sha256Hex, sha256HexOfText } from "../../../../src/util/sha256";
import { bytesBase64 } from "../../../send/support";

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new Response(text).body as ReadableStream<Uint8Array>;
}

/** The request hash as the route computed it when it parsed the JSON whole (before issue 19). */
async function wholeParseHash(body: unknown): Promise<string> {
  const parsed = SendMessageBody.parse(body);
  const attachments = await Promise.all(
    parsed.attachments.map(async (a) => ({ ...a, contentBase64: await sha256HexOfText(a.contentBase64) })),
  );
  return sha256Hex(canonicalJson({ ...parsed, attachments }));
}

describe("R17/R25: stageJsonSend (issue 19)", () => {
  it("R25: the request hash is the whole parse's (defaults, sorted keys, each base64 by its SHA-256), so keys stored before still match", async () => {
    const big = bytesBase64(5 * 1024 * 1024 + 7, 1);
    const small = bytesBase64(100, 2);
    const body = {
      contactId: "ctc-1",
      userId: "user-1",
      html: "<p>hello</p>",
      cc: ["copy@client.test"],
      attachments: [
        { filename: "big.pdf", contentType: "Application/PDF", contentBase64: big.base64 },
        { contentBase64: small.base64, filename: "s.txt", contentType: "text/plain" },
      ],
    };
    const staged = await stageJsonSend(env.ATTACHMENTS, {
      body: streamOf(JSON.stringify(body)),
      locationId: "loc-stage-json",
      maxBodyBytes: 40_000_000,
      maxAttachmentBytes: 26_214_400,
    });
    expect(staged.requestHash).toBe(await wholeParseHash(body));
    expect(staged.body).toMatchObject({ kind: "individual", subject: "", bcc: [], cc: ["copy@client.test"] });
    const contents = await Promise.all(
      staged.body.attachments.map(async (a) => new Uint8Array(await new Response(await a.staged.open()).arrayBuffer())),
    );
    expect(contents[0]?.length).toBe(big.bytes.length);
    expect(contents[0]?.every((byte, i) => byte === big.bytes[i])).toBe(true);
    expect(contents[1]).toEqual(small.bytes);
    expect((await env.ATTACHMENTS.list({ prefix: "staging/loc-stage-json/" })).objects).toHaveLength(1);
    await staged.discard();
    expect((await env.ATTACHMENTS.list({ prefix: "staging/loc-stage-json/" })).objects).toHaveLength(0);
  });

  it("R17: small attachments stay in the Worker up to 2 MiB in all; the next small one is one R2 put; all read back exact", async () => {
    const files = [1, 2, 3].map((seed) => bytesBase64(1_000_000, seed));
    const body = {
      userId: "user-1",
      contactId: "ctc-1",
      text: "three",
      attachments: files.map((f, i) => ({
        filename: `${i}.bin`,
        contentType: "application/octet-stream",
        contentBase64: f.base64,
      })),
    };
    const staged = await stageJsonSend(env.ATTACHMENTS, {
      body: streamOf(JSON.stringify(body)),
      locationId: "loc-stage-json-put",
      maxBodyBytes: 40_000_000,
      maxAttachmentBytes: 26_214_400,
    });
    expect((await env.ATTACHMENTS.list({ prefix: "staging/loc-stage-json-put/" })).objects).toHaveLength(1);
    for (const [i, a] of staged.body.attachments.entries()) {
      expect(a.staged.size).toBe(1_000_000);
      expect(new Uint8Array(await new Response(await a.staged.open()).arrayBuffer())).toEqual(files[i]?.bytes);
    }
    await staged.discard();
    expect((await env.ATTACHMENTS.list({ prefix: "staging/loc-stage-json-put/" })).objects).toHaveLength(0);
  });

  it("R24: a stranger's 100,000 attachments get the schema's own refusal (only 251 are streamed; the rest stay in the skeleton) and leave nothing staged", async () => {
    const item = '{"filename":"a","contentType":"text/plain","contentBase64":"QUJD"}';
    const text = `{"userId":"u","contactId":"c","text":"x","attachments":[${Array(100_000).fill(item).join(",")}]}`;
    const refusal = await stageJsonSend(env.ATTACHMENTS, {
      body: streamOf(text),
      locationId: "loc-stage-json-many",
      maxBodyBytes: 40_000_000,
      maxAttachmentBytes: 26_214_400,
    }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({
      code: "invalid_request",
      details: { target: "json", issues: [{ path: ["attachments"], code: "too_big" }] },
    });
    expect((await env.ATTACHMENTS.list({ prefix: "staging/loc-stage-json-many/" })).objects).toHaveLength(0);
  });

  it("R17: a repeated attachments key: the last one counts, as in JSON.parse, even past the streamed count", async () => {
    const item = '{"filename":"a","contentType":"text/plain","contentBase64":"QUJD"}';
    const text =
      `{"userId":"u","contactId":"c","text":"x","attachments":[${Array(260).fill(item).join(",")}],` +
      `"attachments":[{"filename":"last.txt","contentType":"text/plain","contentBase64":"TGFzdA=="}]}`;
    const staged = await stageJsonSend(env.ATTACHMENTS, {
      body: streamOf(text),
      locationId: "loc-stage-json-last",
      maxBodyBytes: 40_000_000,
      maxAttachmentBytes: 26_214_400,
    });
    expect(staged.body.attachments.map((a) => a.filename)).toEqual(["last.txt"]);
    const only = staged.body.attachments[0];
    expect(new TextDecoder().decode(await new Response(await only?.staged.open()).arrayBuffer())).toBe("Last");
    const body = {
      userId: "u",
      contactId: "c",
      text: "x",
      attachments: [{ filename: "last.txt", contentType: "text/plain", contentBase64: "TGFzdA==" }],
    };
    expect(staged.requestHash).toBe(await wholeParseHash(body));
    await staged.discard();
  });
});
