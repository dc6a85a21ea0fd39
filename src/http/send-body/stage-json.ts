/*
 * The JSON send read as it arrives (issue 19): parsing the whole body held each attachment's base64 twice,
 * 70 MB for a 25 MB attachment. Each `attachments[i].contentBase64` now streams out of the text
 * (util/json-splitter.ts): judged and decoded as canonical base64, staged (staging.ts) and hashed on the way.
 * The rest of the text, the skeleton, is parsed and validated as SendMessageBody. The answers are those of
 * the whole parse, in its order: a body over the limit, a body that is not JSON, an invalid field, R17's cap.
 */
import type { Env } from "../../env";
import { CanonicalBase64Decoder, decodeBase64 } from "../../mail/base64";
import type { StagedContent } from "../../mail/outgoing-message";
import { canonicalJson } from "../../send/idempotency";
import { JsonSplitError, JsonSplitter, type JsonPath, type StringSink } from "../../util/json-splitter";
import { sha256Hex, sha256HexOfText, sha256Pieces } from "../../util/sha256";
import { attachmentsTooLarge, bodyNotJson, bodyTooLarge, invalidRequest } from "../request-errors";
import { MAX_ATTACHMENTS, SendMessageBody } from "../schemas/send";
import { type MemoryAllowance, type StagedSend, StagingWriter, stagingKey } from "./staging";

/** Small attachments of one request stay in the Worker up to this total; the rest goes to R2. */
const IN_MEMORY_BYTES = 2 * 1024 * 1024;

type Bucket = Env["ATTACHMENTS"];

/** Where a string's path makes it an attachment's content: `attachments[i].contentBase64`. */
const isAttachmentContent = (path: JsonPath) =>
  path.length === 3 && path[0] === "attachments" && typeof path[1] === "number" && path[2] === "contentBase64";

/**
 * One attachment's base64 on its way: decoded into its staging writer and hashed as text. Its stand-in in
 * the skeleton is `"\u0000{n}"`, which no other string there can be (every string at that path is streamed).
 */
class StreamedContent implements StringSink {
  readonly #decoder = new CanonicalBase64Decoder();
  readonly #hash = sha256Pieces();
  #pending: Promise<void>[] = [];
  #ended = false;
  staged: StagedContent | null = null;
  hash: string | null = null;

  constructor(
    readonly index: number,
    readonly writer: StagingWriter,
    private readonly allowance: MemoryAllowance,
  ) {}

  text(bytes: Uint8Array): void {
    const decoded = this.#decoder.push(bytes);
    if (decoded.length > 0) this.writer.write(decoded);
    // The text is hashed as it came (R25); settle() waits for the write before the next chunk is read.
    this.#pending.push(this.#hash.write(bytes));
  }

  end(): string {
    this.#ended = true;
    const last = this.#decoder.end();
    if (last.length > 0) this.writer.write(last);
    return `"\\u0000${this.index}"`;
  }

  get canonical(): boolean {
    return this.#decoder.canonical;
  }

  get settled(): boolean {
    return this.hash !== null || (this.#ended && !this.canonical);
  }

  /** Puts away what arrived since the last call: full parts to R2, and once ended, the whole staging. */
  async settle(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    await Promise.all(pending);
    await this.writer.flush();
    if (!this.#ended || this.settled) return;
    this.staged = await this.writer.close(this.allowance);
    this.hash = await this.#hash.hex();
  }
}

export async function stageJsonSend(
  bucket: Bucket,
  input: {
    body: ReadableStream<Uint8Array> | null;
    locationId: string;
    maxBodyBytes: number;
    maxAttachmentBytes: number;
  },
): Promise<StagedSend> {
  const contents: StreamedContent[] = [];
  const allowance: MemoryAllowance = { bytes: IN_MEMORY_BYTES };
  const discard = async () => {
    await Promise.all(contents.map((c) => c.writer.discard()));
  };
  try {
    const splitter = new JsonSplitter((path) => {
      // One past the schema's most attachments is enough for its verdict; a stranger's 100,000 empty ones stay
      // in the skeleton (bounded by the body limit), as when the body was parsed whole.
      if (!isAttachmentContent(path) || contents.length > MAX_ATTACHMENTS) return null;
      const content = new StreamedContent(
        contents.length,
        new StagingWriter(bucket, stagingKey(input.locationId)),
        allowance,
      );
      contents.push(content);
      return content;
    });
    const skeleton = await readSkeleton(input.body, splitter, contents, input.maxBodyBytes);
    const { data, streamed } = validate(skeleton, contents);
    const read = await Promise.all(data.attachments.map((a, i) => readContent(streamed[i], a.contentBase64)));
    const total = read.reduce((sum, content) => sum + content.staged.size, 0);
    if (total > input.maxAttachmentBytes) throw attachmentsTooLarge(total, input.maxAttachmentBytes);
    const hashed = data.attachments.map((a, i) => ({ ...a, contentBase64: read[i]?.hash }));
    return {
      body: {
        ...data,
        attachments: data.attachments.map((a, i) => ({
          filename: a.filename,
          contentType: a.contentType,
          staged: read[i]?.staged as StagedContent,
        })),
      },
      requestHash: await sha256Hex(canonicalJson({ ...data, attachments: hashed })),
      discard,
    };
  } catch (error) {
    await discard();
    throw error;
  }
}

/**
 * Reads the whole body through the splitter: the skeleton's text. A body over the limit is refused before
 * anything else, as when it was read whole, so a text found not JSON is only read on (counted) until its end.
 */
async function readSkeleton(
  body: ReadableStream<Uint8Array> | null,
  splitter: JsonSplitter,
  contents: readonly StreamedContent[],
  maxBodyBytes: number,
): Promise<string> {
  let read = 0;
  let notJson = false;
  if (body !== null) {
    for await (const chunk of body) {
      read += chunk.length;
      if (read > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
      if (notJson) continue;
      try {
        splitter.push(chunk);
      } catch (error) {
        if (!(error instanceof JsonSplitError)) throw error;
        notJson = true;
        continue;
      }
      for (const content of contents) if (!content.settled) await content.settle();
    }
  }
  if (notJson) throw bodyNotJson();
  try {
    return splitter.end();
  } catch {
    throw bodyNotJson();
  }
}

/**
 * The skeleton parsed and validated as SendMessageBody, each streamed content standing in as "" when it was
 * canonical base64 and "!" when not, so zod gives the whole parse's verdict and issues; `streamed[i]` is the
 * content of `data.attachments[i]` (zod keeps an array's order).
 */
function validate(skeleton: string, contents: readonly StreamedContent[]) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(skeleton);
  } catch {
    throw bodyNotJson();
  }
  const streamed: StreamedContent[] = [];
  const attachments = isRecord(parsed) && Array.isArray(parsed.attachments) ? parsed.attachments : [];
  attachments.forEach((attachment: unknown, i) => {
    if (!isRecord(attachment) || typeof attachment.contentBase64 !== "string") return;
    if (!attachment.contentBase64.startsWith("\u0000")) return; // not streamed (past the count): zod judges it
    const content = contents[Number(attachment.contentBase64.slice(1))];
    if (content === undefined) throw new Error("stage-json: a stand-in names no streamed content");
    streamed[i] = content;
    attachment.contentBase64 = content.canonical ? "" : "!";
  });
  const result = SendMessageBody.safeParse(parsed);
  if (!result.success) throw invalidRequest("json", result.error.issues);
  return { data: result.data, streamed };
}

/**
 * An attachment's content once validated: streamed (staged and hashed on the way), or, for one past the count
 * of streamed strings (a repeated `attachments` key), the validated base64 still in the skeleton.
 */
async function readContent(
  streamed: StreamedContent | undefined,
  base64: string,
): Promise<{ staged: StagedContent; hash: string }> {
  if (streamed !== undefined) return { staged: streamed.staged as StagedContent, hash: streamed.hash as string };
  const bytes = decodeBase64(base64);
  return {
    staged: { size: bytes.length, open: async () => new Blob([bytes]).stream() },
    hash: await sha256HexOfText(base64),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
