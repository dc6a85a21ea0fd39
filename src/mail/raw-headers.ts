import PostalMime from "postal-mime";
import { parseAddress } from "./address";
import { capHeaderValue } from "./header-values";
import type { Address } from "./message-facts";
import { err, ok, type Result } from "../util/result";

/** postal-mime's own bound on a header block; a longer one is no mail anybody writes. */
export const MAX_HEADER_BLOCK_BYTES = 1024 * 1024;

export interface RawHeaders {
  /** Every header field in document order (top first), lower-case keys, values cut to the header cap. */
  headers: { key: string; value: string }[];
  from: Address | null;
}

export type ReadRawHeadersResult = Result<RawHeaders, string>;

/**
 * Reading 13: the header block of a raw message read alone, so that who sent it (R20) is decided before
 * any byte of its body is parsed. The block ends at the first empty line; only it reaches postal-mime.
 */
export async function readRawHeaders(raw: Uint8Array): Promise<ReadRawHeadersResult> {
  const end = headerBlockEnd(raw);
  if (end === null) return err(`The message's header block is over ${MAX_HEADER_BLOCK_BYTES} bytes.`);
  const block = new Uint8Array(end + 4);
  block.set(raw.subarray(0, end));
  block.set([0x0d, 0x0a, 0x0d, 0x0a], end);
  try {
    const email = await PostalMime.parse(block, { maxHeadersSize: MAX_HEADER_BLOCK_BYTES });
    const headers = email.headers.map((h) => ({ key: h.key, value: capHeaderValue(h.value) }));
    return ok({ headers, from: parseAddress(headers.find((h) => h.key === "from")?.value) });
  } catch (error) {
    return err(`The message's headers could not be read: ${error instanceof Error ? error.message : "unreadable"}.`);
  }
}

/** Index of the line break that ends the header block (before the empty line), or null past the cap. */
function headerBlockEnd(raw: Uint8Array): number | null {
  const limit = Math.min(raw.length, MAX_HEADER_BLOCK_BYTES);
  if (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a)) return 0;
  for (let newline = raw.indexOf(0x0a); newline >= 0 && newline < limit; newline = raw.indexOf(0x0a, newline + 1)) {
    const next = raw[newline + 1];
    if (next === 0x0a || (next === 0x0d && raw[newline + 2] === 0x0a)) return newline + 1;
  }
  return raw.length <= MAX_HEADER_BLOCK_BYTES ? raw.length : null;
}
