import type { z } from "zod";
import { classifyGoogleFailure, type GoogleCall, type GoogleFailure, type GoogleFailureKind } from "./classify";
import { DeadlineExceeded, fetchAnswer, readText, type FetchedAnswer } from "./deadline";

/**
 * A failed Google call, classified once (classify.ts) so callers react to `kind`, never to raw statuses.
 * The message never holds a token: only the method, path, status and Google's reason.
 */
export class GmailError extends Error {
  readonly kind: GoogleFailureKind;
  readonly status: number | null;
  readonly reason: string | null;
  /** Unix ms named in Google's error text, if any. */
  readonly retryAt: number | null;
  constructor(
    readonly failure: GoogleFailure,
    readonly retryAfter: string | null,
    what: string,
  ) {
    super(`${what}: ${failure.kind} (${failure.status ?? "no answer"}${failure.reason ? `, ${failure.reason}` : ""})`);
    this.name = "GmailError";
    this.kind = failure.kind;
    this.status = failure.status;
    this.reason = failure.reason;
    this.retryAt = failure.retryAt;
  }
}

/** A valid access token; `forceRefresh` after a 401. Throws a GmailError when no token can be had. */
export type AccessTokenSource = (options: { forceRefresh: boolean }) => Promise<string>;

/**
 * Waits until `units` of the per-user Gmail quota may be spent (sync/quota.ts's pacer plugs in here). The
 * ticket is settled once Google has answered (or the call failed): until then the pacer counts it in flight.
 */
export type QuotaGate = (units: number) => Promise<QuotaTicket>;

export interface QuotaTicket {
  settle(): void;
}

export interface GmailRequest<T> {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Below the API root, e.g. `/gmail/v1/users/me/watch` or `/upload/gmail/v1/users/me/messages/send`. */
  path: string;
  query?: Record<string, string | string[] | undefined>;
  /** JSON-serialised unless it is a string or bytes, which go as they are with `contentType`. */
  body?: unknown;
  /**
   * A streamed body instead of `body`, opened once per attempt: a stream is read once, and the retry
   * after a 401 needs a fresh one. Goes with `contentType`.
   */
  openBody?: () => Promise<ReadableStream<Uint8Array>>;
  /** The length of the `openBody` stream: an upload's deadline grows with its size (deadline.ts). */
  openBodyBytes?: number;
  contentType?: string;
  /** Parses the answer; answers without a body (204) are parsed as `undefined`. */
  schema: z.ZodType<T>;
  /**
   * Reads a 2xx answer's body into the JSON text to parse, in place of reading it whole: a reader that drops
   * what the caller does not need (message-part.ts). Losing the body mid-way is a lost answer either way.
   */
  readBody?: (body: ReadableStream<Uint8Array>) => Promise<string>;
  /** Gmail quota units this call costs (users.watch 100, messages.get 5, …). */
  units: number;
  call?: GoogleCall;
}

/** A request whose answer is streamed (GmailClient.stream), not parsed. */
export type GmailStreamRequest = Omit<GmailRequest<unknown>, "schema" | "readBody">;

export interface GmailClientOptions {
  baseUrl: string;
  accessToken: AccessTokenSource;
  quotaGate?: QuotaGate;
  /** Deadline of one call in ms (config GOOGLE_TIMEOUT_MS); uploads get more by size (deadline.ts). */
  timeoutMs: number;
}

export class GmailClient {
  constructor(private readonly options: GmailClientOptions) {}

  async request<T>(spec: GmailRequest<T>): Promise<T> {
    const what = `${spec.method} ${spec.path}`;
    const answer = await this.#answer(spec, what);
    const text = await this.#readText(answer.body, spec, what, spec.readBody);
    const parsed = spec.schema.safeParse(text === "" ? undefined : parseJson(text));
    if (!parsed.success) {
      throw new GmailError(
        { kind: "retry", status: answer.status, reason: "malformed_answer", retryAt: null },
        null,
        what,
      );
    }
    return parsed.data;
  }

  /**
   * An answer too large to hold (attachments.get, reading 12): its body as a stream, once Google answered
   * 2xx. Failures are thrown as by request(); the stream itself errors if Google stalls mid-way (deadline.ts).
   */
  async stream(spec: GmailStreamRequest): Promise<ReadableStream<Uint8Array>> {
    return (await this.#answer(spec, `${spec.method} ${spec.path}`)).body;
  }

  /** Quota, token, one refresh after a 401, failures classified: a 2xx answer, its body not read yet. */
  async #answer(spec: GmailStreamRequest, what: string): Promise<FetchedAnswer> {
    const ticket = await this.options.quotaGate?.(spec.units);
    let answer: FetchedAnswer;
    let refreshed = false;
    try {
      answer = await this.#send(spec, await this.options.accessToken({ forceRefresh: false }), what);
      // An access token can die before its expiry (revocation, clock skew): refresh once and retry.
      if (answer.status === 401) {
        refreshed = true;
        await answer.body.cancel();
        answer = await this.#send(spec, await this.options.accessToken({ forceRefresh: true }), what);
      }
    } finally {
      // Google has counted the call by now, if at all: the pacer dates the spend here (sync/quota.ts).
      ticket?.settle();
    }
    if (!answer.ok) {
      const failure = classifyGoogleFailure({
        call: spec.call ?? "gmail",
        status: answer.status,
        body: await this.#readText(answer.body, spec, what),
        afterRefresh: refreshed,
      });
      throw new GmailError(failure, answer.headers.get("retry-after"), what);
    }
    return answer;
  }

  /** A body read whole; losing it mid-way (network, deadline) is a lost answer like a missing one. */
  async #readText(
    body: ReadableStream<Uint8Array>,
    spec: GmailStreamRequest,
    what: string,
    read: (body: ReadableStream<Uint8Array>) => Promise<string> = readText,
  ): Promise<string> {
    try {
      return await read(body);
    } catch (error) {
      throw this.#lost(error, spec, what);
    }
  }

  #lost(error: unknown, spec: GmailStreamRequest, what: string): GmailError {
    const failure = classifyGoogleFailure({
      call: spec.call ?? "gmail",
      status: null,
      timedOut: error instanceof DeadlineExceeded,
    });
    return new GmailError(failure, null, what);
  }

  async #send(spec: GmailStreamRequest, token: string, what: string): Promise<FetchedAnswer> {
    const url = new URL(this.options.baseUrl + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item);
    }
    const headers = new Headers({ authorization: `Bearer ${token}`, accept: "application/json" });
    let body: string | Uint8Array | ReadableStream<Uint8Array> | undefined;
    if (spec.openBody) {
      headers.set("content-type", spec.contentType ?? "application/octet-stream");
    } else if (typeof spec.body === "string" || spec.body instanceof Uint8Array) {
      body = spec.body;
      headers.set("content-type", spec.contentType ?? "application/octet-stream");
    } else if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers.set("content-type", "application/json");
    }
    const bytes = spec.openBody
      ? (spec.openBodyBytes ?? 0)
      : typeof body === "string"
        ? body.length
        : body instanceof Uint8Array
          ? body.byteLength
          : 0;
    try {
      if (spec.openBody) body = await spec.openBody();
      return await fetchAnswer(url, { method: spec.method, headers, body }, this.options.timeoutMs, bytes);
    } catch (error) {
      throw this.#lost(error, spec, what);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
