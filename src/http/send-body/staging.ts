/*
 * Where a send's attachment bytes wait between the request and Gmail's upload (README, "Sending"): in R2
 * under `staging/`, never whole in the Worker. The send reads them back once per upload attempt (R25: a lost
 * answer is searched for and the send made again, and a request stream cannot be read twice). A send deletes
 * its own when it ends; a Worker that dies mid-send leaves them, and the bucket's lifecycle rule
 * (scripts/deploy/plan.mjs, STAGING_LIFECYCLE) expires them after a day.
 */
import type { Env } from "../../env";
import type { StagedContent } from "../../mail/outgoing-message";
import type { SendRequest } from "../../send/send-message";

export const STAGING_PREFIX = "staging/";

/** A send's request once read (stage-form.ts, stage-json.ts): its attachments staged, nothing held whole. */
export interface StagedSend {
  body: SendRequest;
  /** R25's request hash: the body as the send understands it, each attachment's content by its SHA-256. */
  requestHash: string;
  /** Deletes what was staged: call it once the send is over, whatever its outcome. */
  discard: () => Promise<void>;
}

/**
 * R2's multipart parts: every part but the last must be at least 5 MiB, and of one size. Also the most one
 * attachment of unknown length holds here at a time.
 */
const PART_BYTES = 5 * 1024 * 1024;
const FIRST_BUFFER_BYTES = 4 * 1024;

type Bucket = Env["ATTACHMENTS"];

export function stagingKey(locationId: string): string {
  return `${STAGING_PREFIX}${locationId}/${crypto.randomUUID()}`;
}

export function stagedInR2(bucket: Bucket, key: string, size: number): StagedContent {
  return {
    size,
    open: async () => {
      const object = await bucket.get(key);
      if (object === null) throw new Error(`staging: staged object ${key} is gone`);
      return object.body;
    },
  };
}

/** Small attachments stay in the Worker while their request's total stays under this many bytes. */
export interface MemoryAllowance {
  bytes: number;
}

/**
 * Bytes of a length known only at their end (base64 streamed out of a JSON send), written as they come:
 * one put if they end within one part, else an R2 multipart upload of equal parts. One part's buffer is
 * held and reused: what arrives while it is full waits in `#overflow` (the rest of one chunk) until
 * `flush` has uploaded it.
 */
export class StagingWriter {
  readonly #bucket: Bucket;
  readonly key: string;
  /** Grown on the first write: a send may open hundreds of writers, most of them small or never written. */
  #buffer = new Uint8Array();
  #filled = 0;
  #size = 0;
  #overflow: Uint8Array[] = [];
  #upload: R2MultipartUpload | null = null;
  readonly #parts: R2UploadedPart[] = [];
  /** Whether anything is in R2 under `key` (discard must delete it) or an upload is open (abort it). */
  stored = false;

  constructor(bucket: Bucket, key: string) {
    this.#bucket = bucket;
    this.key = key;
  }

  /** Copies `bytes` in; once a part is full, the rest waits for `flush`. */
  write(bytes: Uint8Array): void {
    this.#size += bytes.length;
    const taken = this.#fill(bytes);
    if (taken < bytes.length) this.#overflow.push(bytes.slice(taken));
  }

  /** Uploads each full part, refilling the same buffer from what waited. */
  async flush(): Promise<void> {
    while (this.#filled === PART_BYTES) {
      if (this.#upload === null) {
        this.#upload = await this.#bucket.createMultipartUpload(this.key);
        this.stored = true;
      }
      this.#parts.push(await this.#upload.uploadPart(this.#parts.length + 1, this.#buffer));
      this.#filled = 0;
      const waiting = this.#overflow;
      this.#overflow = [];
      for (const [n, bytes] of waiting.entries()) {
        const taken = this.#fill(bytes);
        if (taken < bytes.length) {
          this.#overflow = [bytes.subarray(taken), ...waiting.slice(n + 1)];
          break;
        }
      }
    }
  }

  /** The bytes ended: kept in memory if they are few and `allowance` has room, else stored whole in R2. */
  async close(allowance: MemoryAllowance): Promise<StagedContent> {
    await this.flush();
    const rest = this.#buffer.subarray(0, this.#filled);
    this.#buffer = new Uint8Array();
    if (this.#upload === null && rest.length <= allowance.bytes) {
      allowance.bytes -= rest.length;
      const kept = rest.slice(); // not the whole buffer it was grown in
      return { size: kept.length, open: async () => new Blob([kept]).stream() };
    }
    if (this.#upload === null) {
      this.stored = true;
      await this.#bucket.put(this.key, rest);
    } else {
      if (rest.length > 0) this.#parts.push(await this.#upload.uploadPart(this.#parts.length + 1, rest));
      await this.#upload.complete(this.#parts);
    }
    return stagedInR2(this.#bucket, this.key, this.#size);
  }

  /** Deletes what this writer put in R2, finished or not. */
  async discard(): Promise<void> {
    this.#buffer = new Uint8Array();
    this.#overflow = [];
    if (!this.stored) return;
    if (this.#upload !== null) await this.#upload.abort().catch(() => undefined);
    await this.#bucket.delete(this.key);
  }

  /** Copies what fits of `bytes` into the part (grown up to a part's size); how many bytes it took. */
  #fill(bytes: Uint8Array): number {
    if (this.#overflow.length > 0) return 0; // keep the order: what waits goes in first
    let from = 0;
    while (from < bytes.length && this.#filled < PART_BYTES) {
      if (this.#filled === this.#buffer.length) this.#grow();
      const take = Math.min(bytes.length - from, this.#buffer.length - this.#filled);
      this.#buffer.set(bytes.subarray(from, from + take), this.#filled);
      this.#filled += take;
      from += take;
    }
    return from;
  }

  #grow(): void {
    const grown = new Uint8Array(Math.min(PART_BYTES, Math.max(FIRST_BUFFER_BYTES, this.#buffer.length * 2)));
    grown.set(this.#buffer);
    this.#buffer = grown;
  }
}
