/** Byte helpers shared by the stream tests. */

/** The pieces one after another, as one array. */
export function concatBytes(pieces: Iterable<Uint8Array>): Uint8Array {
  const list = [...pieces];
  const out = new Uint8Array(list.reduce((n, piece) => n + piece.length, 0));
  let at = 0;
  for (const piece of list) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}
