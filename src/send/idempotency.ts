import type { Database } from "../db/database";
import {
  FAILED_ATTEMPT,
  claimIdempotencyKey,
  completeIdempotencyKey,
  getIdempotencyKey,
  releaseIdempotencyKey,
  type IdempotencyKeyRow,
} from "../db/idempotency-keys";
import { AppError } from "../errors";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-progress claim older than this belongs to a request that died; a repeat may resume it. */
export const IDEMPOTENCY_STALE_MS = 2 * 60 * 1000;
/** How long a concurrent repeat waits for the first request before answering 409 request_in_progress. */
export const IDEMPOTENCY_WAIT_MS = 10_000;
const POLL_MS = 100;

/** What a repeat finds when the key is already held. Pure, with `now`. */
export type KeyVerdict =
  | { kind: "replay"; status: number; body: string }
  | { kind: "reuse" }
  | { kind: "in_progress" }
  | { kind: "retry_claim" };

export function decideOnHeldKey(row: IdempotencyKeyRow | undefined, requestHash: string, now: number): KeyVerdict {
  if (row === undefined || row.expiresAt < now) return { kind: "retry_claim" };
  if (row.state === "in_progress" && row.responseStatus === FAILED_ATTEMPT) return { kind: "retry_claim" };
  if (row.requestHash !== requestHash) return { kind: "reuse" };
  if (row.state === "done" && row.responseStatus !== null && row.responseBody !== null) {
    return { kind: "replay", status: row.responseStatus, body: row.responseBody };
  }
  if (now - row.createdAt > IDEMPOTENCY_STALE_MS) return { kind: "retry_claim" };
  return { kind: "in_progress" };
}

/** Recursively sorted keys, so that two bodies equal as JSON hash the same whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface IdempotentAnswer {
  status: number;
  body: string;
}

/** The key's claim as the send sees it: with the body's hash, `createdAt` anchors the send's Message-ID (R25). */
export interface KeyClaim {
  key: string;
  createdAt: number;
  requestHash: string;
}

/**
 * Runs `run` once per (location, key, body) for 24 hours (docs/api.md, R25). A repeat with the same body gets
 * the stored answer; with another body 422; while the first runs, it waits up to IDEMPOTENCY_WAIT_MS and
 * then gets 409. A failed run (thrown AppError or anything else) releases the key (releaseIdempotencyKey).
 */
export async function withIdempotencyKey(
  db: Database,
  input: { locationId: string; key: string; requestHash: string; now: () => number },
  run: (claim: KeyClaim) => Promise<IdempotentAnswer>,
): Promise<IdempotentAnswer> {
  const { locationId, key, requestHash } = input;
  const deadline = input.now() + IDEMPOTENCY_WAIT_MS;
  for (;;) {
    const now = input.now();
    const claimed = await claimIdempotencyKey(db, {
      locationId,
      key,
      requestHash,
      now,
      expiresAt: now + IDEMPOTENCY_TTL_MS,
      staleBefore: now - IDEMPOTENCY_STALE_MS,
    });
    if (claimed) return runClaimed(db, locationId, { key, createdAt: claimed.createdAt, requestHash }, run);
    const verdict = decideOnHeldKey(await getIdempotencyKey(db, locationId, key), requestHash, input.now());
    if (verdict.kind === "replay") return { status: verdict.status, body: verdict.body };
    if (verdict.kind === "reuse") {
      throw new AppError(
        "idempotency_key_reuse",
        "This Idempotency-Key was used with another request body; use a new key.",
      );
    }
    if (input.now() >= deadline) {
      throw new AppError("request_in_progress", "A request with this Idempotency-Key is still running; retry shortly.");
    }
    if (verdict.kind === "in_progress") await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function runClaimed(
  db: Database,
  locationId: string,
  claim: KeyClaim,
  run: (claim: KeyClaim) => Promise<IdempotentAnswer>,
): Promise<IdempotentAnswer> {
  let answer: IdempotentAnswer;
  try {
    answer = await run(claim);
  } catch (error) {
    await releaseIdempotencyKey(db, locationId, claim.key);
    throw error;
  }
  await completeIdempotencyKey(db, {
    locationId,
    key: claim.key,
    responseStatus: answer.status,
    responseBody: answer.body,
  });
  return answer;
}
