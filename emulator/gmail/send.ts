import type { gmail_v1 } from "@googleapis/gmail";
import type { Context, Hono } from "hono";
import { commitSend } from "../mailbox/send";
import type { EmulatorState } from "../state/store";
import { fromBase64 } from "../util/base64";
import { sleep } from "../util/sleep";
import { readJsonBody } from "./body";
import { errors, gmailJson, googleError } from "./errors";
import { gmailCall, type GmailEnv } from "./guard";
import { METHODS } from "./methods";
import { readUpload } from "./upload";

const RAW_REQUIRED = "'raw' RFC822 payload message string or uploading message via /upload/* URL required";
export const MAX_MESSAGE_BYTES = METHODS["users.messages.send"].upload.maxSize;

async function send(
  c: Context<GmailEnv>,
  state: EmulatorState,
  raw: Uint8Array,
  threadId: string | null,
): Promise<Response> {
  const { account } = c.var.call;
  if (raw.length > MAX_MESSAGE_BYTES)
    return googleError(
      413,
      "uploadTooLarge",
      `Message too large: ${raw.length} bytes exceeds the limit of ${MAX_MESSAGE_BYTES} bytes.`,
    );
  const result = commitSend(state, account, raw, threadId);
  if ("kind" in result) {
    if (result.kind === "sendingLimit") return errors.sendingLimit(new Date(result.retryAt));
    if (result.kind === "threadNotFound") return errors.notFound();
    return errors.invalidArgument(result.message);
  }
  // A committed send whose answer never reaches the client: the email is out, the client cannot know.
  const lost = account.loseNextSendAnswer;
  if (lost) {
    account.loseNextSendAnswer = null;
    if (lost.mode === "hang") await sleep(lost.hangMs, c.req.raw.signal);
    return errors.backendError();
  }
  const answer: gmail_v1.Schema$Message = { id: result.id, threadId: result.threadId, labelIds: result.labelIds };
  return gmailJson(answer);
}

export function sendRoutes(app: Hono<GmailEnv>, state: EmulatorState): void {
  app.post("/gmail/v1/users/:userId/messages/send", gmailCall(state, "users.messages.send"), async (c) => {
    const read = await readJsonBody(c.req.raw);
    if (!read.ok) return read.response;
    const body = read.body as gmail_v1.Schema$Message;
    if (typeof body.raw !== "string" || body.raw === "") return errors.invalidArgument(RAW_REQUIRED);
    const raw = fromBase64(body.raw);
    if (!raw)
      return errors.invalidArgument(
        `Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed for "${body.raw.slice(0, 20)}"`,
      );
    return send(c, state, raw, typeof body.threadId === "string" && body.threadId !== "" ? body.threadId : null);
  });

  app.post("/upload/gmail/v1/users/:userId/messages/send", gmailCall(state, "users.messages.send"), async (c) => {
    const upload = await readUpload(c.req.raw, MAX_MESSAGE_BYTES);
    if (!upload.ok) return upload.response;
    return send(c, state, upload.raw, upload.metadata.threadId ?? null);
  });
}
