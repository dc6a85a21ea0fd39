/** Seeded randomness for tests that cut or generate input: every run makes the same choices, so a failure replays. */

/** A small seeded generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/** `bytes` cut at random places, empty pieces and one-byte pieces included. */
export function cutAnywhere(bytes: Uint8Array, random: () => number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = random() < 0.2 ? Math.floor(random() * 2) : Math.floor(random() * 97);
    pieces.push(bytes.slice(at, at + size));
    at += size;
  }
  return pieces;
}
