/**
 * Reading 13: how many MIME entities a raw message holds, counted before any parser builds them. A
 * hostile message of 300,000 empty parts (2.6 MB) exhausts a 128 MB isolate inside a MIME parser, so the
 * count is made on the bytes: two linear passes, no string of the message's size, no pattern over it.
 */

/** More entities than this (at any depth, the message itself included) and the message is refused. */
export const MAX_MIME_ENTITIES = 1_000;

/** RFC 2046 caps a boundary at 70 characters; a longer "boundary" is not worth remembering. */
const MAX_BOUNDARY_BYTES = 200;
const EQUALS = 0x3d;
const NEWLINE = 0x0a;
const DASH = 0x2d;
const BOUNDARY = [0x62, 0x6f, 0x75, 0x6e, 0x64, 0x61, 0x72, 0x79]; // "boundary", compared lower-cased

/**
 * An upper bound of the entities postal-mime would build: 1 for the message plus one per line `--<b>`
 * where `<b>` is a boundary declared anywhere in it (closing `--<b>--` lines open nothing). Counting
 * stops past MAX_MIME_ENTITIES: the answer is then MAX_MIME_ENTITIES + 1, whatever the message holds.
 */
export function countMimeEntities(raw: Uint8Array): number {
  const boundaries = declaredBoundaries(raw);
  if (boundaries.size === 0) return 1;
  let count = 1;
  for (let start = 0; start < raw.length; ) {
    const newline = raw.indexOf(NEWLINE, start);
    const end = newline < 0 ? raw.length : newline;
    if (raw[start] === DASH && raw[start + 1] === DASH) {
      const rest = latin1(raw, start + 2, Math.min(end, start + 2 + MAX_BOUNDARY_BYTES)).trimEnd();
      if (boundaries.has(rest)) count += 1;
      if (count > MAX_MIME_ENTITIES) return count;
    }
    start = end + 1;
  }
  return count;
}

/** Every `boundary = "value"` (any case, quoted or not) in the bytes, found from each "=" looking back. */
function declaredBoundaries(raw: Uint8Array): Set<string> {
  const found = new Set<string>();
  for (let eq = raw.indexOf(EQUALS); eq >= 0; eq = raw.indexOf(EQUALS, eq + 1)) {
    let before = eq - 1;
    while (before >= 0 && isBlank(raw[before])) before -= 1;
    if (!endsWithBoundary(raw, before)) continue;
    let at = eq + 1;
    while (at < raw.length && isBlank(raw[at])) at += 1;
    const quoted = raw[at] === 0x22;
    if (quoted) at += 1;
    let end = at;
    while (end < raw.length && end - at < MAX_BOUNDARY_BYTES && !endsValue(raw[end] ?? 0, quoted)) end += 1;
    if (end > at) found.add(latin1(raw, at, end));
  }
  return found;
}

function endsWithBoundary(raw: Uint8Array, last: number): boolean {
  if (last < BOUNDARY.length - 1) return false;
  const first = last - BOUNDARY.length + 1;
  for (let i = 0; i < BOUNDARY.length; i += 1) if (((raw[first + i] ?? 0) | 0x20) !== BOUNDARY[i]) return false;
  return true;
}

function isBlank(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09;
}

function endsValue(byte: number, quoted: boolean): boolean {
  if (byte === 0x0d || byte === NEWLINE) return true;
  return quoted ? byte === 0x22 : byte === 0x3b || byte === 0x20 || byte === 0x09 || byte === 0x22;
}

/** Bytes [from, to) as one character each (at most MAX_BOUNDARY_BYTES: small enough to spread). */
function latin1(raw: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...raw.subarray(from, to));
}
