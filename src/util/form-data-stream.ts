/*
 * A streaming multipart/form-data reader (RFC 7578) for the send's file parts. npm's streaming parsers
 * (@remix-run/multipart-parser and its forebear) hand each part over whole, as its chunks in memory; a 25 MB
 * file must pass through instead. Each part's body is a stream the caller reads to its end before asking for
 * the next part. Held at any time: one chunk of the request plus the delimiter's length, and a part's headers
 * (at most MAX_HEADER_BYTES). A file's bytes are copied once (joined to the few bytes held back) and handed
 * on as views. The delimiter search looks for its first byte natively, then compares: linear.
 */

export class FormDataError extends Error {}

export interface FormPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  /** Read it to its end (or cancel it) before asking for the next part. */
  body: ReadableStream<Uint8Array>;
}

const MAX_HEADER_BYTES = 16 * 1024;
const encoder = new TextEncoder();
const CRLF_CRLF = encoder.encode("\r\n\r\n");

/** The boundary of a multipart/form-data Content-Type, or null when it is not one. */
export function formDataBoundary(contentType: string | undefined): string | null {
  if (contentType === undefined || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

export async function* formDataParts(body: ReadableStream<Uint8Array>, boundary: string): AsyncGenerator<FormPart> {
  const input = new Buffered(body.getReader());
  // The first boundary line has no CRLF before it (a preamble may precede it: skipped).
  const first = encoder.encode(`--${boundary}`);
  if (!(await input.skipPast(first))) throw new FormDataError("the form has no boundary line");
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  for (;;) {
    const after = await input.take(2);
    if (after === "--") return;
    if (after !== "\r\n") throw new FormDataError("a boundary line is malformed");
    const part = parseHeaders(await input.readHeaders());
    let done = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const chunk = await input.readUntil(delimiter);
          if (chunk === null) {
            done = true;
            controller.close();
          } else controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    yield { ...part, body: stream };
    // Whatever the caller left unread is drained, so that the next part starts at its boundary.
    while (!done) if ((await input.readUntil(delimiter)) === null) done = true;
  }
}

function parseHeaders(text: string): Omit<FormPart, "body"> {
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new FormDataError("a part header is malformed");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-disposition") disposition = value;
    else if (name === "content-type") contentType = value;
  }
  if (disposition === null || !/^form-data\s*(;|$)/i.test(disposition)) {
    throw new FormDataError("a part has no Content-Disposition: form-data");
  }
  const name = param(disposition, "name");
  if (name === null) throw new FormDataError("a part has no name");
  return { name, filename: param(disposition, "filename"), contentType };
}

function param(header: string, key: string): string | null {
  const match = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s;"]+))`, "i").exec(header);
  if (!match) return null;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? null);
}

/** The request's bytes with what was read but not yet consumed. */
class Buffered {
  private held: Uint8Array = new Uint8Array(0);
  private ended = false;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.reader.read();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.held = concat(this.held, next.value);
    return true;
  }

  /** Consumes everything up to and including `needle`; false at the end of input. */
  async skipPast(needle: Uint8Array): Promise<boolean> {
    for (;;) {
      const at = indexOf(this.held, needle);
      if (at >= 0) {
        this.held = this.held.subarray(at + needle.length);
        return true;
      }
      this.held = this.held.subarray(Math.max(0, this.held.length - needle.length + 1));
      if (!(await this.more())) return false;
    }
  }

  async take(count: number): Promise<string> {
    while (this.held.length < count) if (!(await this.more())) throw new FormDataError("the form ends too soon");
    const text = String.fromCharCode(...this.held.subarray(0, count));
    this.held = this.held.subarray(count);
    return text;
  }

  async readHeaders(): Promise<string> {
    for (;;) {
      const at = indexOf(this.held, CRLF_CRLF);
      if (at >= 0) {
        const text = new TextDecoder().decode(this.held.subarray(0, at));
        this.held = this.held.subarray(at + CRLF_CRLF.length);
        return text;
      }
      if (this.held.length > MAX_HEADER_BYTES) throw new FormDataError("a part's headers are too long");
      if (!(await this.more())) throw new FormDataError("the form ends inside a part's headers");
    }
  }

  /**
   * The next bytes of a part's body, or null once `delimiter` is reached (then consumed). Bytes that might
   * start the delimiter stay held until the next chunk settles it.
   */
  async readUntil(delimiter: Uint8Array): Promise<Uint8Array | null> {
    for (;;) {
      const at = indexOf(this.held, delimiter);
      if (at === 0) {
        this.held = this.held.subarray(delimiter.length);
        return null;
      }
      const safe = at > 0 ? at : this.held.length - delimiter.length + 1;
      if (safe > 0) {
        // The part's bytes go out as a view (no copy of a file's every byte); what stays is copied, so that
        // a reader that takes over the view's buffer (a native stream may detach it) cannot touch it.
        const out = this.held.subarray(0, safe);
        this.held = this.held.slice(safe);
        return out;
      }
      if (!(await this.more())) throw new FormDataError("the form ends inside a part");
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0] ?? 0;
  for (
    let at = haystack.indexOf(first);
    at >= 0 && at <= haystack.length - needle.length;
    at = haystack.indexOf(first, at + 1)
  ) {
    let i = 1;
    while (i < needle.length && haystack[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
}
