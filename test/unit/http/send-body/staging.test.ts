import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { StagingWriter, stagingKey } from "../../../../src/http/send-body/staging";
import { concatBytes } from "../../../support/bytes";
import { randomBytes, seeded } from "../../../support/random";

async function readBack(writer: StagingWriter, pieces: Uint8Array[], flushEach: boolean, allowance = 0) {
  for (const piece of pieces) {
    writer.write(piece);
    if (flushEach) await writer.flush();
  }
  const staged = await writer.close({ bytes: allowance });
  return { staged, bytes: new Uint8Array(await new Response(await staged.open()).arrayBuffer()) };
}

/** `total` random bytes in pieces of random sizes up to `maxPiece`. */
function piecesOf(total: number, maxPiece: number, seed: number): Uint8Array[] {
  const random = seeded(seed);
  const pieces: Uint8Array[] = [];
  for (let left = total; left > 0; ) {
    const size = Math.min(left, 1 + Math.floor(random() * maxPiece));
    pieces.push(randomBytes(random, size));
    left -= size;
  }
  return pieces;
}

const prefix = "staging/loc-staging-writer/";

describe("R17: StagingWriter, an attachment of unknown length into R2, one part held (issue 19)", () => {
  it("R17: 11 MiB in random pieces, flushed as they come: three R2 parts, byte-exact, one object", async () => {
    const pieces = piecesOf(11 * 1024 * 1024 + 123, 200_000, 1);
    const writer = new StagingWriter(env.ATTACHMENTS, stagingKey("loc-staging-writer"));
    const { staged, bytes } = await readBack(writer, pieces, true);
    expect(staged.size).toBe(11 * 1024 * 1024 + 123);
    expect(bytes).toEqual(concatBytes(pieces));
    expect((await env.ATTACHMENTS.list({ prefix })).objects).toHaveLength(1);
    await writer.discard();
    expect((await env.ATTACHMENTS.list({ prefix })).objects).toHaveLength(0);
  });

  it("R17: writes far larger than a part, flushed only at the end, keep their order", async () => {
    const pieces = piecesOf(13 * 1024 * 1024, 7 * 1024 * 1024, 2);
    const writer = new StagingWriter(env.ATTACHMENTS, stagingKey("loc-staging-writer"));
    const { bytes } = await readBack(writer, pieces, false);
    expect(bytes).toEqual(concatBytes(pieces));
    await writer.discard();
  });

  it("R17: a few bytes stay in memory while the allowance has room, else are one put; discard removes the put", async () => {
    const pieces = piecesOf(3_000, 500, 3);
    const kept = new StagingWriter(env.ATTACHMENTS, stagingKey("loc-staging-writer"));
    expect((await readBack(kept, pieces, true, 3_000)).bytes).toEqual(concatBytes(pieces));
    expect(kept.stored).toBe(false);
    const put = new StagingWriter(env.ATTACHMENTS, stagingKey("loc-staging-writer"));
    expect((await readBack(put, pieces, true, 2_999)).bytes).toEqual(concatBytes(pieces));
    expect((await env.ATTACHMENTS.list({ prefix })).objects).toHaveLength(1);
    await put.discard();
    expect((await env.ATTACHMENTS.list({ prefix })).objects).toHaveLength(0);
  });
});
