import type { gmail_v1 } from "@googleapis/gmail";
import { type JsonPath, JsonSplitter } from "../util/json-splitter";

/**
 * Where the content of one part of a messages.get (format full) answer is. Gmail puts small bodies
 * inline as base64url `data`, and hands larger ones and attachments as an `attachmentId` for
 * attachments.get; that id changes from one read to the next, so it is taken from the read just made.
 */
export type GmailPartContent =
  | { kind: "inline"; data: string }
  | { kind: "attachment"; attachmentId: string; size: number };

/** The part numbered `partId` (stable across reads, unlike attachment ids); null when the message has none. */
export function locateGmailPart(message: gmail_v1.Schema$Message, partId: string): GmailPartContent | null {
  const part = findPart(message.payload, partId);
  if (part === null) return null;
  const body = part.body ?? {};
  if (!body.data && body.attachmentId) {
    return { kind: "attachment", attachmentId: body.attachmentId, size: body.size ?? 0 };
  }
  return { kind: "inline", data: body.data ?? "" };
}

function findPart(part: gmail_v1.Schema$MessagePart | undefined, partId: string): gmail_v1.Schema$MessagePart | null {
  if (!part) return null;
  if ((part.partId ?? "") === partId) return part;
  for (const child of part.parts ?? []) {
    const found = findPart(child, partId);
    if (found) return found;
  }
  return null;
}

/**
 * The part id a `body.data` string's place in a messages.get answer gives it: Gmail numbers parts by their
 * place in the tree (`payload` "", `payload.parts[1]` "1", `payload.parts[0].parts[1]` "0.1"). Null for
 * any other string.
 */
export function partIdOfData(path: JsonPath): string | null {
  if (path.length < 3 || path[0] !== "payload" || path.at(-2) !== "body" || path.at(-1) !== "data") return null;
  const numbers: number[] = [];
  for (let at = 1; at < path.length - 2; at += 2) {
    const index = path[at + 1];
    if (path[at] !== "parts" || typeof index !== "number") return null;
    numbers.push(index);
  }
  return numbers.join(".");
}

/** Whether every part's id is its place in the tree (partIdOfData's scheme), as Gmail numbers them. */
export function partsNumberedByPlace(message: gmail_v1.Schema$Message): boolean {
  const numbered = (part: gmail_v1.Schema$MessagePart, id: string): boolean =>
    (part.partId ?? "") === id &&
    (part.parts ?? []).every((child, i) => numbered(child, id === "" ? String(i) : `${id}.${i}`));
  return message.payload === undefined || numbered(message.payload, "");
}

/**
 * A reader of a messages.get (format full) answer that keeps the inline `data` of part `partId` only: every
 * other part's data is dropped as it streams by (a 25 MB html body is never held to find one attachment) and
 * stands as "" in the text it gives. `data()`: the kept data once read; null when no data had that place.
 */
export function readKeepingPartData(partId: string): {
  read: (body: ReadableStream<Uint8Array>) => Promise<string>;
  data: () => string | null;
} {
  let kept: string | null = null;
  const read = async (body: ReadableStream<Uint8Array>) => {
    const splitter = new JsonSplitter((path) => {
      const id = partIdOfData(path);
      if (id === null) return null;
      if (id !== partId) return { text: () => {}, end: () => '""' };
      // The asked part's base64url: ASCII, so each piece decodes on its own.
      let data = "";
      return {
        text: (bytes) => {
          data += new TextDecoder().decode(bytes);
        },
        end: () => {
          kept = data;
          return '""';
        },
      };
    });
    for await (const chunk of body) splitter.push(chunk);
    return splitter.end();
  };
  return { read, data: () => kept };
}
