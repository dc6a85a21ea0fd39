import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../../config";
import { locationDb } from "../../db/database";
import { getMessage } from "../../db/messages/read";
import { AppError } from "../../errors";
import { withIdempotencyKey, type IdempotentAnswer, type KeyClaim } from "../../send/idempotency";
import { sendMessage } from "../../send/send-message";
import { formDataBoundary } from "../../util/form-data-stream";
import type { AppEnv } from "../context";
import { answerMessage } from "../message-answer";
import { bodyTooLarge } from "../request-errors";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { Message } from "../schemas/messages";
import { LocationIdParam } from "../schemas/provisioning";
import { IdempotencyKeyHeader, SendMessageBody } from "../schemas/send";
import { stageForm } from "../send-body/stage-form";
import { stageJsonSend } from "../send-body/stage-json";
import type { StagedSend } from "../send-body/staging";

/** Mounted at /v1/locations/{locationId}/messages beside the read routes: the send (R13–R18, R25). */
export const sendRoutes = newRouter();

// Room for text, html and the JSON around the attachments, on top of their base64.
const SEND_BODY_OVERHEAD_BYTES = 4 * 1024 * 1024;

/** The send's own body limit: MAX_ATTACHMENT_BYTES in base64 plus overhead (about 36 MB by default). */
export function sendBodyLimitBytes(config: Pick<Config, "MAX_ATTACHMENT_BYTES">): number {
  return Math.ceil(config.MAX_ATTACHMENT_BYTES / 3) * 4 + SEND_BODY_OVERHEAD_BYTES;
}

/**
 * Neither form is held whole (send-body/), so Hono's bodyLimit, which buffers a body sent without
 * Content-Length (chunked) to count it, must not run: a declared Content-Length is checked here, and the
 * readers count what they read (the JSON reader against this limit, the form reader against R17's sizes).
 */
const sendBodyLimit: MiddlewareHandler<AppEnv> = (c, next) => {
  const maxBytes = sendBodyLimitBytes(c.var.config);
  if (Number(c.req.header("content-length") ?? "0") > maxBytes) throw bodyTooLarge(maxBytes);
  return next();
};

// Hono's test for a JSON media type (its validator's): application/json or application/*+json, parameters.
const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/** The request's body staged for the send, by its content type; 415 for any type but these two. */
async function stageSendBody(c: Context<AppEnv>, locationId: string): Promise<StagedSend> {
  const contentType = c.req.header("content-type");
  const config = c.var.config;
  const boundary = formDataBoundary(contentType);
  if (boundary !== null) {
    if (c.req.raw.body === null) throw new AppError("invalid_request", "The multipart form is empty.");
    const input = { body: c.req.raw.body, boundary, locationId, maxBytes: config.MAX_ATTACHMENT_BYTES };
    return stageForm(c.env.ATTACHMENTS, input);
  }
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new AppError("unsupported_media_type", "Send the body as application/json or multipart/form-data.");
  }
  return stageJsonSend(c.env.ATTACHMENTS, {
    body: c.req.raw.body,
    locationId,
    maxBodyBytes: sendBodyLimitBytes(config),
    maxAttachmentBytes: config.MAX_ATTACHMENT_BYTES,
  });
}

const MULTIPART_SCHEMA = {
  type: "object" as const,
  required: ["message"],
  properties: {
    message: { type: "string" as const, description: "The JSON of SendMessageForm (see components.schemas)." },
  },
  additionalProperties: { type: "string" as const, format: "binary" },
};

/** The send as /openapi.json documents it: both forms of the body. */
const documentedSendRoute = createRoute({
  method: "post",
  path: "/",
  summary: "Send an email to a contact (through the user's Gmail, or the location's provider)",
  security: BEARER_AUTH,
  request: {
    params: LocationIdParam,
    headers: IdempotencyKeyHeader,
    body: {
      required: true,
      description:
        "JSON with attachments inline as base64, or multipart/form-data: a `message` field holding that JSON " +
        "with each attachment's `part` (the name of its file part) and `size` (its exact bytes) in place of " +
        "contentBase64, then one file part per attachment. Either way the attachments are streamed through " +
        "to Gmail, never held whole.",
      content: {
        "application/json": { schema: SendMessageBody },
        // A plain schema object, not a zod one, so that nothing in the router parses a form.
        "multipart/form-data": { schema: MULTIPART_SCHEMA },
      },
    },
  },
  responses: {
    201: jsonContent(z.object({ message: Message }), "Sent, and stored in the contact's conversation"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 502),
  },
});
sendRoutes.openAPIRegistry.registerPath(documentedSendRoute);

/**
 * The route that serves the send validates only its params and headers: a body validator would parse the
 * body whole, and stageSendBody reads it as it streams in. Hidden, since documentedSendRoute documents it.
 */
const servedSendRoute = createRoute({
  ...documentedSendRoute,
  hide: true,
  middleware: [sendBodyLimit] as const,
  request: { params: LocationIdParam, headers: IdempotencyKeyHeader },
});

sendRoutes.openapi(servedSendRoute, async (c) => {
  const { locationId } = c.req.valid("param");
  const key = c.req.valid("header")["idempotency-key"];
  const staged = await stageSendBody(c, locationId);
  try {
    const answer = await answerSend(c.env, c.var.config, { locationId, staged, key });
    return c.json(await sentMessage(c.env, locationId, answer), 201);
  } finally {
    await staged.discard();
  }
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
  input: { locationId: string; staged: StagedSend; key: string | undefined },
): Promise<IdempotentAnswer> {
  const { locationId, staged, key } = input;
  const body = staged.body;
  const run = async (claim: KeyClaim | null): Promise<IdempotentAnswer> => {
    const stored = await sendMessage(env, config, { locationId, body, claim, now: Date.now() });
    // The key keeps the stored message's id, not the answer: a 2 MB html answer would not fit a D1 row (R31).
    return { status: 201, body: JSON.stringify({ messageId: stored.id }) };
  };
  if (key === undefined) return run(null);
  const db = await locationDb(env, locationId);
  return withIdempotencyKey(db, { locationId, key, requestHash: staged.requestHash, now: Date.now }, run);
}
