import type { MessageFacts } from "../mail/message-facts";
import { attachmentKey, bodyKey } from "./layout";

/*
 * R31: nothing of a message is cut to fit a row. A body up to INLINE_BODY_BYTES stays in its row, so the
 * common message is read in one round trip to D1; a larger one is kept whole in R2 (layout.ts) and the row
 * keeps its key. Content goes to R2 before the row is written, so a row never points at missing content.
 */

/** UTF-8 bytes of one body kept in the row: rows stay small, and a page of them cheap to read. */
export const INLINE_BODY_BYTES = 64 * 1024;

/** The message's body columns and attachment keys, and every object written for it. */
export interface KeptContent {
  text: string | null;
  html: string | null;
  textKey: string | null;
  htmlKey: string | null;
  bodyBytes: number;
  /** Index for index with facts.attachments: where each one's content is, null when Gmail holds it. */
  attachmentKeys: (string | null)[];
  /** Objects this call put: removed again when the row turns out to be a duplicate. */
  written: string[];
}

/** Puts what does not belong in the row under `prefix` (layout.ts messagePrefix) and says where it went. */
export async function keepMessageContent(bucket: R2Bucket, prefix: string, facts: MessageFacts): Promise<KeptContent> {
  const written: string[] = [];
  const put = async (key: string, value: string | Uint8Array, contentType: string) => {
    await bucket.put(key, value, { httpMetadata: { contentType } });
    written.push(key);
    return key;
  };
  const textBytes = utf8Length(facts.text);
  const htmlBytes = utf8Length(facts.html);
  const textOut = textBytes > INLINE_BODY_BYTES;
  const htmlOut = htmlBytes > INLINE_BODY_BYTES;
  const [textKey, htmlKey, attachmentKeys] = await Promise.all([
    textOut ? put(bodyKey(prefix, "text"), facts.text ?? "", "text/plain; charset=utf-8") : null,
    htmlOut ? put(bodyKey(prefix, "html"), facts.html ?? "", "text/html; charset=utf-8") : null,
    Promise.all(
      facts.attachments.map((a, position) =>
        a.content === null ? null : put(attachmentKey(prefix, position), a.content, a.contentType),
      ),
    ),
  ]);
  return {
    text: textOut ? null : facts.text,
    html: htmlOut ? null : facts.html,
    textKey,
    htmlKey,
    bodyBytes: textBytes + htmlBytes,
    attachmentKeys,
    written,
  };
}

/** Removes objects no row points at: the content of a message that turned out to be stored already. */
export async function discardContent(bucket: R2Bucket, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
}

export interface BodyColumns {
  text: string | null;
  html: string | null;
  textKey: string | null;
  htmlKey: string | null;
}

/**
 * The rows with their bodies whole: the ones kept in R2 are read back (in parallel), byte for byte. A key
 * without its object is a broken invariant, not an empty body: it throws rather than answer less.
 */
export async function withWholeBodies<T extends BodyColumns>(bucket: R2Bucket, rows: readonly T[]): Promise<T[]> {
  return Promise.all(
    rows.map(async (row) => {
      if (row.textKey === null && row.htmlKey === null) return row;
      const [text, html] = await Promise.all([
        readBody(bucket, row.textKey, row.text),
        readBody(bucket, row.htmlKey, row.html),
      ]);
      return { ...row, text, html };
    }),
  );
}

async function readBody(bucket: R2Bucket, key: string | null, inline: string | null): Promise<string | null> {
  if (key === null) return inline;
  const object = await bucket.get(key);
  if (object === null) throw new Error(`message body ${key} is missing from R2`);
  return object.text();
}

/** UTF-8 length without encoding: a lone surrogate counts 3, as TextEncoder writes U+FFFD for it. */
export function utf8Length(value: string | null): number {
  if (value === null) return 0;
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
