/*
 * The multipart/form-data send (README, "Sending"): a `message` part (the JSON of SendMessageForm), then one
 * file part per attachment. Each file part streams into R2 under `staging/`, hashed and counted on the way,
 * so the Worker never holds one; the send then reads it back from R2 once per upload attempt (R25: a lost
 * answer is searched for and the send made again, and a request stream cannot be read twice).
 */
import type { Env } from "../../env";
import { AppError } from "../../errors";
import type { StagedContent } from "../../mail/outgoing-message";
import { canonicalJson } from "../../send/idempotency";
import { FormDataError, formDataParts, type FormPart } from "../../util/form-data-stream";
import { sha256Hex, sha256Tap } from "../../util/sha256";
import { type SendMessageForm as Form, SendMessageForm } from "../schemas/send";

/**
 * Where the file parts wait in R2. A send deletes its own when it ends; a Worker that dies mid-send leaves
 * them, and the bucket's lifecycle rule (scripts/deploy/plan.mjs, STAGING_LIFECYCLE) expires them after a day.
 */
export const STAGING_PREFIX = "staging/";

/** The `message` part is JSON text and the message's own text and html: far under the body limit. */
const MAX_MESSAGE_PART_BYTES = 4 * 1024 * 1024;

interface StagedAttachment {
  filename: string;
  contentType: string;
  staged: StagedContent;
}

export interface StagedForm {
  message: Omit<Form, "attachments">;
  attachments: StagedAttachment[];
  /** The form as the send understands it, each file by its SHA-256: the Idempotency-Key's request hash. */
  requestHash: string;
  /** Deletes what was staged: call it once the send is over, whatever its outcome. */
  discard: () => Promise<void>;
}

type Bucket = Env["ATTACHMENTS"];

export async function stageForm(
  bucket: Bucket,
  input: { body: ReadableStream<Uint8Array>; boundary: string; locationId: string; maxBytes: number },
): Promise<StagedForm> {
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
      const key = `${STAGING_PREFIX}${input.locationId}/${crypto.randomUUID()}`;
      keys.push(key);
      hashes.set(part.name, await stagePart(bucket, key, part, attachment.size));
      staged.set(part.name, { size: attachment.size, open: () => openStaged(bucket, key) });
    }
    const missing = form.attachments.find((a) => !staged.has(a.part));
    if (missing) throw malformed(`the file part "${missing.part}" is missing`);
    const { attachments, ...message } = form;
    const hashed = attachments.map((a) => ({ ...a, sha256: hashes.get(a.part) }));
    return {
      message,
      attachments: attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        staged: staged.get(a.part) as StagedContent,
      })),
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
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw malformed('the "message" part is not JSON');
  }
  const result = SendMessageForm.safeParse(json);
  if (result.success) return result.data;
  throw new AppError("invalid_request", "The request message part is invalid; see details.issues.", {
    target: "message",
    issues: result.error.issues.map((issue) => ({
      path: issue.path.map(String),
      code: issue.code,
      message: issue.message,
    })),
  });
}

async function readAtMost(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.byteLength;
    if (length > max) throw malformed(`the "message" part is over ${max} bytes`);
    chunks.push(chunk);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** R17: the declared sizes refuse the send before one file byte is read. */
function checkDeclaredSize(form: Form, maxBytes: number): void {
  const total = form.attachments.reduce((sum, a) => sum + a.size, 0);
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

async function openStaged(bucket: Bucket, key: string): Promise<ReadableStream<Uint8Array>> {
  const object = await bucket.get(key);
  if (object === null) throw new Error(`stage-form: staged part ${key} is gone`);
  return object.body;
}

function malformed(problem: string): AppError {
  return new AppError("invalid_request", `The multipart form is malformed: ${problem}.`, {
    issues: [{ path: [], code: "malformed_form", message: problem }],
  });
}
