import type { GoogleFailureKind } from "./classify";

export const RETRY_BASE_MS = 1_000;
/** Backoff without a hint stays under R22's "resume within 2 minutes of Google answering again". */
export const RETRY_BACKOFF_CAP_MS = 60_000;
/** A retry time Google names is honoured, but never beyond this: a bad clock must not park a mailbox. */
export const RETRY_HINT_CAP_MS = 60 * 60_000;
/** docs/api.md: Gmail's sending-limit block lasts one hour when Gmail names no time. */
export const SENDING_LIMIT_DEFAULT_MS = 60 * 60_000;
export const SENDING_LIMIT_CAP_MS = 24 * 60 * 60_000;

export interface RetryDelayInput {
  kind: GoogleFailureKind;
  /** 0 for the first retry. */
  attempt: number;
  /** The Retry-After header as received (delta-seconds or HTTP-date), if any. */
  retryAfterHeader?: string | null;
  /** Unix ms named in Google's "Retry after <RFC3339>" text (GoogleFailure.retryAt), if any. */
  retryAt?: number | null;
  now: number;
  /** Uniform in [0, 1): Math.random in production, fixed in tests. */
  random: () => number;
}

/**
 * How long to wait before the next attempt, in ms; null when the kind is not retried (revoked, not found,
 * history expired, fatal). Exponential backoff with full jitter, capped; a retry time Google names (header
 * or message) is a floor. For sending_limit this is the length of the send block.
 */
export function retryDelayMs(input: RetryDelayInput): number | null {
  const hint = hintDelayMs(input);
  switch (input.kind) {
    case "auth_expired":
      return 0;
    case "sending_limit":
      return Math.min(hint ?? SENDING_LIMIT_DEFAULT_MS, SENDING_LIMIT_CAP_MS);
    case "retry":
    case "rate_limited": {
      // Past a hint, spread callers by up to a second so they do not all return in one burst.
      if (hint !== null)
        return Math.min(hint, RETRY_HINT_CAP_MS) + Math.floor(clampUnit(input.random()) * RETRY_BASE_MS);
      const ceiling = Math.min(RETRY_BACKOFF_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, Math.min(input.attempt, 30)));
      return Math.floor(clampUnit(input.random()) * ceiling);
    }
    default:
      return null;
  }
}

/** The longer of the two hints, relative to now; null when neither is usable. */
function hintDelayMs(input: RetryDelayInput): number | null {
  const fromHeader = parseRetryAfter(input.retryAfterHeader ?? null, input.now);
  const fromText =
    input.retryAt === null || input.retryAt === undefined ? null : Math.max(0, input.retryAt - input.now);
  if (fromHeader === null) return fromText;
  if (fromText === null) return fromHeader;
  return Math.max(fromHeader, fromText);
}

/** RFC 9110 Retry-After: delta-seconds or an HTTP-date; ms from now, never negative; null if unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse also reads ISO strings; only accept the HTTP-date shape ("Sun, 06 Nov 1994 08:49:37 GMT").
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 0.999_999) : 0;
}
