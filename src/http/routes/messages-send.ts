import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Config } from "../../config";
import { locationDb } from "../../db/database";
import { getMessage } from "../../db/messages/read";
import { AppError } from "../../errors";
import { canonicalJson, withIdempotencyKey, type IdempotentAnswer, type KeyClaim } from "../../send/idempotency";
import { sha256Hex, sha256HexOfText } from "../../util/sha256";
import { sendMessage, type SendRequest } from "../../send/send-message";
import { formDataBoundary } from "../../util/form-data-stream";
import { stageForm } from "../multipart/stage-form";
import type { AppEnv } from "../context";
import { answerMessage } from "../message-answer";
import { limitBody } from "../middleware/body-limit";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { Message } from "../schemas/messages";
import { LocationIdParam } from "../schemas/provisioning";
import { base64DecodedSize, IdempotencyKeyHeader, SendMessageBody } from "../schemas/send";

/** Mounted at /v1/locations/{locationId}/messages beside the read routes: the send (R13–R18, R25). */
export const sendRoutes = newRouter();

// Room for text, html and the JSON around the attachments, on top of their base64.
const SEND_BODY_OVERHEAD_BYTES = 4 * 1024 * 1024;

/** The send's own body limit: MAX_ATTACHMENT_BYTES in base64 plus overhead (about 36 MB by default). */
export function sendBodyLimitBytes(config: Pick<Config, "MAX_ATTACHMENT_BYTES">): number {
  return Math.ceil(config.MAX_ATTACHMENT_BYTES / 3) * 4 + SEND_BODY_OVERHEAD_BYTES;
}

/**
 * The JSON form is read whole anyway, so Hono's bodyLimit may hold it. A form must not be held: bodyLimit
 * buffers a body sent without Content-Length (chunked) to count it, 25 MB of files included. A form's
 * Content-Length is checked when it has one; the form reader itself holds one chunk at a time, and the
 * declared sizes (R17) bound what it stages.
 */
const sendBodyLimit: MiddlewareHandler<AppEnv> = (c, next) => {
  const maxBytes = sendBodyLimitBytes(c.var.config);
  if (formDataBoundary(c.req.header("content-type")) === null) return limitBody(maxBytes)(c, next);
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes) {
    throw new AppError("payload_too_large", `The request body is over ${maxBytes} bytes.`, { maxBytes });
  }
  return next();
};

/**
 * The multipart/form-data send, before the JSON validator (which would refuse it): its parts are streamed
 * into R2 (stage-form.ts), never parsed whole. Any other content type goes on to the JSON route.
 */
const multipartSend: MiddlewareHandler<AppEnv> = async (c, next) => {
  const boundary = formDataBoundary(c.req.header("content-type"));
  if (boundary === null) return next();
  const locationId = c.req.param("locationId") ?? "";
  const header = IdempotencyKeyHeader.safeParse({ "idempotency-key": c.req.header("idempotency-key") });
  if (!header.success) {
    throw new AppError("invalid_request", "The request header is invalid; see details.issues.", {
      target: "header",
      issues: header.error.issues.map((issue) => ({
        path: issue.path.map(String),
        code: issue.code,
        message: issue.message,
      })),
    });
  }
  const key = header.data["idempotency-key"];
  if (c.req.raw.body === null) throw new AppError("invalid_request", "The multipart form is empty.");
  const config = c.var.config;
  const form = await stageForm(c.env.ATTACHMENTS, {
    body: c.req.raw.body,
    boundary,
    locationId,
    maxBytes: config.MAX_ATTACHMENT_BYTES,
  });
  try {
    const body = { ...form.message, attachments: form.attachments };
    const answer = await answerSend(c.env, config, {
      locationId,
      body,
      key,
      requestHash: async () => form.requestHash,
    });
    return c.json(await sentMessage(c.env, locationId, answer), 201);
  } finally {
    await form.discard();
  }
};

const MULTIPART_SCHEMA = {
  type: "object" as const,
  required: ["message"],
  properties: {
    message: { type: "string" as const, description: "The JSON of SendMessageForm (see components.schemas)." },
  },
  additionalProperties: { type: "string" as const, format: "binary" },
};

const sendRoute = createRoute({
  method: "post",
  path: "/",
  summary: "Send an email to a contact (through the user's Gmail, or the location's provider)",
  security: BEARER_AUTH,
  middleware: [sendBodyLimit, multipartSend] as const,
  request: {
    params: LocationIdParam,
    headers: IdempotencyKeyHeader,
    body: {
      required: true,
      description:
        "JSON with attachments inline as base64, or multipart/form-data: a `message` field holding that JSON " +
        "with each attachment's `part` (the name of its file part) and `size` (its exact bytes) in place of " +
        "contentBase64, then one file part per attachment, streamed through to Gmail.",
      content: { "application/json": { schema: SendMessageBody } },
    },
  },
  responses: {
    201: jsonContent(z.object({ message: Message }), "Sent, and stored in the contact's conversation"),
    ...errorResponses(400, 401, 403, 404, 409, 413),
  },
});
// The second content type for /openapi.json only: a plain schema object, never a zod one, which would make the
// router parse the whole form in memory (multipartSend streams it instead, before any validator).
(sendRoute.request.body.content as Record<string, unknown>)["multipart/form-data"] = { schema: MULTIPART_SCHEMA };

sendRoutes.openapi(sendRoute, async (c) => {
  const { locationId } = c.req.valid("param");
  const body = c.req.valid("json");
  // Hono keeps the body's text (up to ~36 MB) cached for the whole request after parsing it; the parsed
  // object is all the send reads, so let the text go before the send holds on to its attachments.
  c.req.bodyCache = {};
  const key = c.req.valid("header")["idempotency-key"];
  const config = c.var.config;
  checkAttachmentsSize(body, config.MAX_ATTACHMENT_BYTES);
  const answer = await answerSend(c.env, config, { locationId, body, key, requestHash: () => requestHash(body) });
  return c.json(await sentMessage(c.env, locationId, answer), 201);
});

/**
 * Only a send's 201 is ever stored (failures release the key), so a replay answers that same message, unless
 * it was removed since (R28 un-log, purge, erasure): the stored answer was then redacted to a 404.
 */
async function sentMessage(env: AppEnv["Bindings"], locationId: string, answer: IdempotentAnswer) {
  const removed = "The message this request sent was removed from the CRM; it was sent and is not sent again.";
  if (answer.status === 404) throw new AppError("not_found", removed);
  const { messageId } = JSON.parse(answer.body) as { messageId: string };
  const row = await getMessage(await locationDb(env, locationId), locationId, messageId);
  if (!row) throw new AppError("not_found", removed);
  return { message: await answerMessage(env, row) };
}

/** The send, once per Idempotency-Key and request hash when a key is given (R25). */
async function answerSend(
  env: AppEnv["Bindings"],
  config: Config,
  input: { locationId: string; body: SendRequest; key: string | undefined; requestHash: () => Promise<string> },
): Promise<IdempotentAnswer> {
  const { locationId, body, key } = input;
  const run = async (claim: KeyClaim | null): Promise<IdempotentAnswer> => {
    const stored = await sendMessage(env, config, { locationId, body, claim, now: Date.now() });
    // The key keeps the stored message's id, not the answer: a 2 MB html answer would not fit a D1 row (R31).
    return { status: 201, body: JSON.stringify({ messageId: stored.id }) };
  };
  if (key === undefined) return run(null);
  const db = await locationDb(env, locationId);
  return withIdempotencyKey(db, { locationId, key, requestHash: await input.requestHash(), now: Date.now }, run);
}

/** R17: decoded attachment bytes over the cap refuse the whole send before anything else happens. */
function checkAttachmentsSize(body: SendMessageBody, maxBytes: number): void {
  const total = body.attachments.reduce((sum, a) => sum + base64DecodedSize(a.contentBase64), 0);
  if (total > maxBytes) {
    throw new AppError(
      "attachments_too_large",
      `Attachments total ${total} bytes; at most ${maxBytes} may be sent at once.`,
      {
        totalBytes: total,
        maxBytes,
      },
    );
  }
}

/**
 * The body as the send understands it (defaults applied, keys sorted), each attachment's content by its own
 * hash, so that a 35 MB body is never serialized a second time.
 */
async function requestHash(body: SendMessageBody): Promise<string> {
  const attachments = await Promise.all(
    body.attachments.map(async (a) => ({ ...a, contentBase64: await sha256HexOfText(a.contentBase64) })),
  );
  return sha256Hex(canonicalJson({ ...body, attachments }));
}
