import { BASE64_LINE, wrappedBase64Length } from "./base64";
import { base64WrapStream } from "./base64-stream";
import { wrapBase64 } from "./encode-body";
import type { StagedContent } from "./outgoing-message";

/*
 * A built message as ordered segments: ASCII text (headers, boundaries, QP bodies), or an attachment's
 * unwrapped base64, wrapped at 76 columns only as it is written out. The same segments render to one
 * string (small messages, tests) or stream in bounded chunks (large sends), byte for byte the same.
 */
export type MimeSegment = string | { base64: string } | { staged: StagedContent };

/** Whether the message can only be streamed: it has bytes staged outside the Worker (multipart sends). */
export function hasStagedSegment(segments: readonly MimeSegment[]): boolean {
  return segments.some((s) => typeof s !== "string" && "staged" in s);
}

function segmentLength(s: MimeSegment): number {
  if (typeof s === "string") return s.length;
  if ("staged" in s) return wrappedBase64Length(Math.ceil(s.staged.size / 3) * 4);
  return wrappedBase64Length(s.base64.length);
}

/** Bytes of the rendered message: every segment is ASCII, so characters are bytes. */
export function mimeLength(segments: readonly MimeSegment[]): number {
  return segments.reduce((sum, s) => sum + segmentLength(s), 0);
}

export function renderMime(segments: readonly MimeSegment[]): string {
  return segments
    .map((s) => {
      if (typeof s === "string") return s;
      if ("staged" in s) throw new Error("mime-segments: staged bytes are streamed, never rendered whole");
      return wrapBase64(s.base64);
    })
    .join("");
}

/** About 64 KiB per chunk: 862 base64 lines of 78 bytes with their CRLF. */
export const MIME_CHUNK_BYTES = 862 * (BASE64_LINE + 2);

const encoder = new TextEncoder();
const CR = 13;
const LF = 10;

/** The rendered bytes in chunks of at most `chunkBytes`; never more than one chunk is made at a time. */
export function* mimeChunks(segments: readonly MimeSegment[], chunkBytes = MIME_CHUNK_BYTES): Generator<Uint8Array> {
  for (const piece of mimePieces(segments, chunkBytes)) {
    if (!(piece instanceof Uint8Array)) throw new Error("mime-segments: staged bytes are streamed (mimeStream)");
    yield piece;
  }
}

/** As mimeChunks, with staged content handed over as is for mimeStream to read. */
function* mimePieces(segments: readonly MimeSegment[], chunkBytes: number): Generator<Uint8Array | StagedContent> {
  for (const segment of segments) {
    if (typeof segment !== "string" && "staged" in segment) {
      yield segment.staged;
    } else if (typeof segment === "string") {
      for (let i = 0; i < segment.length; i += chunkBytes) yield asciiBytes(segment.slice(i, i + chunkBytes));
    } else {
      yield* base64Chunks(segment.base64, Math.max(1, Math.floor(chunkBytes / (BASE64_LINE + 2))));
    }
  }
}

function* base64Chunks(base64: string, linesPerChunk: number): Generator<Uint8Array> {
  const charsPerChunk = linesPerChunk * BASE64_LINE;
  for (let start = 0; start < base64.length; start += charsPerChunk) {
    const end = Math.min(base64.length, start + charsPerChunk);
    const last = end === base64.length;
    // Lines inside the chunk, plus the CRLF that separates it from the next chunk's first line.
    const chunk = new Uint8Array(end - start + 2 * (Math.ceil((end - start) / BASE64_LINE) - (last ? 1 : 0)));
    let at = 0;
    for (let i = start; i < end; i += BASE64_LINE) {
      at += encoder.encodeInto(base64.slice(i, Math.min(end, i + BASE64_LINE)), chunk.subarray(at)).written;
      if (i + BASE64_LINE < end || !last) {
        chunk[at++] = CR;
        chunk[at++] = LF;
      }
    }
    yield chunk;
  }
}

function asciiBytes(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  // mimeLength counts characters: a non-ASCII character here would make the declared length a lie.
  if (bytes.length !== text.length) throw new Error("mime-segments: a segment is not ASCII");
  return bytes;
}

/** The chunks as a byte stream, made as the reader pulls (one chunk ahead at most). */
export function mimeStream(
  segments: readonly MimeSegment[],
  chunkBytes = MIME_CHUNK_BYTES,
): ReadableStream<Uint8Array> {
  const chunks = mimePieces(segments, chunkBytes);
  // Staged bytes are read through a base64 wrapper as the upload pulls them, one chunk at a time.
  let staged: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (staged !== null) {
            const read = await staged.read();
            if (!read.done) return controller.enqueue(read.value);
            staged = null;
          }
          const next = chunks.next();
          if (next.done) return controller.close();
          if (next.value instanceof Uint8Array) return controller.enqueue(next.value);
          staged = (await next.value.open()).pipeThrough(base64WrapStream()).getReader();
        }
      },
      async cancel(reason) {
        chunks.return(undefined);
        await staged?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
