import { Hono } from "hono";
import { headerValue, parseHeaderBlock } from "../mime/headers";
import { parseMime } from "../mime/parse";
import { binaryToBytes, bytesToBinary } from "../util/base64";
import { randomHex } from "../util/random";
import { errors } from "./errors";
import { BATCH_PATH, GMAIL_BATCH_PATH, MAX_BATCH_CALLS } from "./methods";

interface InnerCall {
  contentId: string | null;
  request: Request;
}

function parseInner(text: string, origin: string, outer: Headers): Request | null {
  const match = /\r?\n\r?\n/.exec(text);
  const head = match ? text.slice(0, match.index) : text;
  const body = match ? text.slice(match.index + match[0].length) : "";
  const [requestLine = "", ...headerLines] = head.split(/\r?\n/);
  const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?$/.exec(requestLine.trim());
  if (!m) return null;
  const headers = new Headers();
  const auth = outer.get("authorization");
  if (auth) headers.set("authorization", auth);
  for (const h of parseHeaderBlock(headerLines.join("\r\n"))) headers.set(h.name, h.value);
  const url = new URL(m[2]!, origin);
  const method = m[1]!;
  return new Request(url, {
    method,
    headers,
    body: method === "GET" || method === "DELETE" || body === "" ? undefined : binaryToBytes(body),
  });
}

async function renderPart(contentId: string | null, response: Response): Promise<string> {
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText || (response.ok ? "OK" : "Error")}`];
  response.headers.forEach((value, name) => {
    lines.push(`${name}: ${value}`);
  });
  const body = bytesToBinary(new Uint8Array(await response.arrayBuffer()));
  const head = [
    "Content-Type: application/http",
    ...(contentId ? [`Content-ID: <response-${contentId.replace(/^<|>$/g, "")}>`] : []),
  ];
  return `${head.join("\r\n")}\r\n\r\n${lines.join("\r\n")}\r\n\r\n${body}`;
}

/**
 * Google's batch endpoint: a multipart/mixed of up to 100 HTTP requests, each run as its own call (its own
 * auth, quota units and errors, a 429 included) and answered as one application/http part in order.
 */
export function batchRoutes(inner: { fetch(request: Request): Response | Promise<Response> }): Hono {
  const app = new Hono();
  app.on("POST", [`/${BATCH_PATH}`, `/${GMAIL_BATCH_PATH}`], async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^multipart\/mixed/i.test(type) || !/boundary=/i.test(type))
      return errors.badRequest("Batch requests must be multipart/mixed with a boundary.");
    const bytes = new Uint8Array(await c.req.raw.arrayBuffer());
    const envelope = parseMime(binaryToBytes(`Content-Type: ${type}\r\n\r\n${bytesToBinary(bytes)}`));
    if (envelope.parts.length === 0) return errors.badRequest("Invalid multipart request with 0 mime parts.");
    if (envelope.parts.length > MAX_BATCH_CALLS)
      return errors.badRequest(`Too many requests in batch: ${envelope.parts.length} (at most ${MAX_BATCH_CALLS}).`);
    const origin = new URL(c.req.url).origin;
    const calls: Array<InnerCall | null> = envelope.parts.map((part) => {
      const request = parseInner(bytesToBinary(part.body), origin, c.req.raw.headers);
      return request ? { contentId: headerValue(part.headers, "content-id"), request } : null;
    });
    const boundary = `batch_${randomHex(24)}`;
    const rendered: string[] = [];
    for (const call of calls) {
      if (!call) {
        rendered.push(await renderPart(null, errors.badRequest("Invalid HTTP request in batch part.")));
        continue;
      }
      const path = new URL(call.request.url).pathname;
      const response = path.startsWith("/gmail/v1/") ? await inner.fetch(call.request) : errors.notFound();
      rendered.push(await renderPart(call.contentId, response));
    }
    const body = `${rendered.map((p) => `--${boundary}\r\n${p}\r\n`).join("")}--${boundary}--\r\n`;
    return new Response(binaryToBytes(body), {
      status: 200,
      headers: { "Content-Type": `multipart/mixed; boundary=${boundary}` },
    });
  });
  return app;
}
