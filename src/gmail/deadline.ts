/*
 * Every call to Google has a deadline. A call that never answers would otherwise hold the mailbox's alarm
 * (the sync stops: R22 wants it back by itself) or a CRM send request, forever. A deadline that passes is a
 * lost answer: classify.ts takes it for `retry`, like a network failure, never for a verdict on the grant.
 */

/** Time an upload gets per byte on top of the base deadline: 2 Mbit/s, far below any working link to Google. */
export const UPLOAD_BYTES_PER_SEC = 256 * 1024;

/** Pure: how long a call may wait for its answer's headers, the upload of `requestBytes` included. */
export function answerDeadlineMs(baseMs: number, requestBytes: number): number {
  return baseMs + Math.ceil((Math.max(0, requestBytes) / UPLOAD_BYTES_PER_SEC) * 1000);
}

/** The deadline passed; the request was aborted. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

export interface FetchedAnswer {
  status: number;
  ok: boolean;
  headers: Headers;
  /** The answer's body; a read errors with DeadlineExceeded when the next chunk takes over `baseMs`. */
  body: ReadableStream<Uint8Array>;
}

export interface FetchedText {
  status: number;
  ok: boolean;
  headers: Headers;
  text: string;
}

/**
 * One fetch whose headers must come within answerDeadlineMs(baseMs, requestBytes); then the body must keep
 * coming, no gap between chunks over `baseMs`: a large download (an attachment) is not cut short by its size,
 * a stalled one is. The gap is timed from each read, so a slow reader downstream never trips it. Throws
 * DeadlineExceeded, or fetch's own errors.
 */
export async function fetchAnswer(
  url: URL | string,
  init: RequestInit,
  baseMs: number,
  requestBytes = 0,
): Promise<FetchedAnswer> {
  const controller = new AbortController();
  const response = await within(
    fetch(url, { ...init, signal: controller.signal }),
    answerDeadlineMs(baseMs, requestBytes),
    controller,
  );
  const reader = response.body?.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(stream) {
        const chunk = reader ? await within(reader.read(), baseMs, controller) : { done: true as const };
        if (chunk.done) stream.close();
        else stream.enqueue(chunk.value);
      },
      async cancel(reason) {
        controller.abort();
        await reader?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { status: response.status, ok: response.ok, headers: response.headers, body };
}

/** fetchAnswer, its body read whole as UTF-8 text (bytes decoded across chunk boundaries). */
export async function fetchText(
  url: URL | string,
  init: RequestInit,
  baseMs: number,
  requestBytes = 0,
): Promise<FetchedText> {
  const { body, ...answer } = await fetchAnswer(url, init, baseMs, requestBytes);
  return { ...answer, text: await readText(body) };
}

/** A body read whole as UTF-8 text. */
export async function readText(body: ReadableStream<Uint8Array>): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return text + decoder.decode();
    text += decoder.decode(chunk.value, { stream: true });
  }
}

/** `promise`, unless `ms` pass first: then the request is aborted (nothing keeps running) and this throws. */
async function within<T>(promise: Promise<T>, ms: number, controller: AbortController): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineExceeded(ms));
    }, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
