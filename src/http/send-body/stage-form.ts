/*
 * The multipart/form-data send (README, "Sending"): a `message` part (the JSON of SendMessageForm), then one
 * file part per attachment. Each file part streams into R2 (staging.ts), hashed and counted on the way, so
 * the Worker never holds one.
 */
import type { Env } from "../../env";
import { AppError } from "../../errors";
import type { StagedContent } from "../../mail/outgoing-message";
import { canonicalJson } from "../../send/idempotency";
import { FormDataError, formDataParts, type FormPart } from "../../util/form-data-stream";
import { readAtMost } from "../../util/read-at-most";
import { sha256Hex, sha256Tap } from "../../util/sha256";
import { attachmentsTooLarge, invalidRequest } from "../request-errors";
import { type SendMessageForm as Form, SendMessageForm } from "../schemas/send";
import { type StagedSend, stagedInR2, stagingKey } from "./staging";

/** The `message` part is JSON text and the message's own text and html: far under the body limit. */
const MAX_MESSAGE_PART_BYTES = 4 * 1024 * 1024;

type Bucket = Env["ATTACHMENTS"];

export async function stageForm(
  bucket: Bucket,
  input: { body: ReadableStream<Uint8Array>; boundary: string; locationId: string; maxBytes: number },
): Promise<StagedSend> {
  const keys: string[] = [];
  const discard = async () => {
    if (keys.length > 0) await bucket.delete(keys);
  };
  try {
    const parts = formDataParts(input.body, input.boundary);
    const form = await readMessagePart(await parts.next());
    checkDeclaredSize(form, input.maxBytes);
    const hashes = new Map<string, string>();
    const staged = new Map<string, StagedContent>();
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      const part = next.value;
      const attachment = form.attachments.find((a) => a.part === part.name);
      if (!attachment || staged.has(part.name) || part.filename === null) {
        throw malformed(`the part "${part.name}" is not a file part named by message.attachments[].part (once)`);
      }
      const key = stagingKey(input.locationId);
      keys.push(key);
      hashes.set(part.name, await stagePart(bucket, key, part, attachment.size));
      staged.set(part.name, stagedInR2(bucket, key, attachment.size));
    }
    const missing = form.attachments.find((a) => !staged.has(a.part));
    if (missing) throw malformed(`the file part "${missing.part}" is missing`);
    const { attachments, ...message } = form;
    const hashed = attachments.map((a) => ({ ...a, sha256: hashes.get(a.part) }));
    return {
      body: {
        ...message,
        attachments: attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          staged: staged.get(a.part) as StagedContent,
        })),
      },
      requestHash: await sha256Hex(canonicalJson({ form: true, ...message, attachments: hashed })),
      discard,
    };
  } catch (error) {
    await discard();
    if (error instanceof FormDataError) throw malformed(error.message);
    throw error;
  }
}

async function readMessagePart(first: IteratorResult<FormPart>): Promise<Form> {
  if (first.done || first.value.name !== "message" || first.value.filename !== null) {
    throw malformed('the first part must be the field "message" (the JSON of the send)');
  }
  const bytes = await readAtMost(first.value.body, MAX_MESSAGE_PART_BYTES);
  if (bytes === null) throw malformed(`the "message" part is over ${MAX_MESSAGE_PART_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw malformed('the "message" part is not JSON');
  }
  const result = SendMessageForm.safeParse(json);
  if (result.success) return result.data;
  throw invalidRequest("message", result.error.issues);
}

/** R17: the declared sizes refuse the send before one file byte is read. */
function checkDeclaredSize(form: Form, maxBytes: number): void {
  const total = form.attachments.reduce((sum, a) => sum + a.size, 0);
  if (total > maxBytes) throw attachmentsTooLarge(total, maxBytes);
}

/** Streams the part into R2 (FixedLengthStream: R2 needs the length, and it refuses any other); its SHA-256. */
async function stagePart(bucket: Bucket, key: string, part: FormPart, size: number): Promise<string> {
  const tap = sha256Tap();
  const contentType = part.contentType ?? "application/octet-stream";
  try {
    await bucket.put(key, part.body.pipeThrough(tap.stream).pipeThrough(new FixedLengthStream(size)), {
      httpMetadata: { contentType },
    });
  } catch {
    throw new AppError("invalid_request", `The file part "${part.name}" is not the ${size} bytes its size says.`, {
      issues: [
        { path: ["attachments", part.name, "size"], code: "size_mismatch", message: "size differs from the part" },
      ],
    });
  }
  if (tap.bytes() !== size) throw new Error("stage-form: R2 stored a part of another length");
  return tap.done();
}

function malformed(problem: string): AppError {
  return new AppError("invalid_request", `The multipart form is malformed: ${problem}.`, {
    issues: [{ path: [], code: "malformed_form", message: problem }],
  });
}
