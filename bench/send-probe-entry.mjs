/**
 * Bench only (bench/send-probe.mjs): the send path cut into its stages, each reachable alone, so that the
 * memory of a 25 MB multipart send can be bisected. `?probe=` names the stage; without it, the real Worker
 * (whose full send bench/send.mjs measures: the upload and the Durable Object's RPC on top of these).
 */
import { stageForm } from "../src/http/send-body/stage-form.ts";
import worker, { Mailbox } from "../src/index.ts";
import { mimeStream } from "../src/mail/mime-segments.ts";
import { formDataBoundary, formDataParts } from "../src/util/form-data-stream.ts";

export { Mailbox };

async function drain(stream) {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.byteLength;
  return bytes;
}

async function probe(mode, request, env) {
  if (mode === "drain") return drain(request.body);
  if (mode === "parse") {
    let bytes = 0;
    for await (const part of formDataParts(request.body, formDataBoundary(request.headers.get("content-type")))) {
      bytes += await drain(part.body);
    }
    return bytes;
  }
  if (mode === "r2-put") {
    await drain(request.body);
    const size = 26214400;
    let sent = 0;
    const chunk = new Uint8Array(65536).fill(7);
    const source = new ReadableStream(
      {
        pull(controller) {
          if (sent >= size) return controller.close();
          sent += chunk.length;
          controller.enqueue(chunk.slice());
        },
      },
      { highWaterMark: 0 },
    );
    await env.ATTACHMENTS.put("probe/x", source.pipeThrough(new FixedLengthStream(size)));
    await env.ATTACHMENTS.delete("probe/x");
    return size;
  }
  const form = await stageForm(env.ATTACHMENTS, {
    body: request.body,
    boundary: formDataBoundary(request.headers.get("content-type")),
    locationId: "bench",
    maxBytes: 26214400,
  });
  try {
    const staged = form.body.attachments[0].staged;
    if (mode === "stage") return staged.size;
    if (mode === "r2-read") return drain(await staged.open());
    if (mode === "mime") return drain(mimeStream(["Subject: probe\r\n\r\n", { staged }]));
    throw new Error(`probe: no stage ${mode}`);
  } finally {
    await form.discard();
  }
}

export default {
  async fetch(request, env, ctx) {
    const mode = new URL(request.url).searchParams.get("probe");
    if (mode === null) return worker.fetch(request, env, ctx);
    return new Response(String(await probe(mode, request, env)));
  },
};
