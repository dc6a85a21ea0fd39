import { readGoogleErrorBody, retryAtFromMessages, type GoogleErrorBody } from "./google-error-body";

/**
 * What the caller does about a failed Google call (STYLE habit 4: the sync reacts to this, never to raw
 * status codes):
 * - retry: transient (network, timeout, 5xx); back off and try again.
 * - rate_limited: a per-user or per-project quota; back off (honouring Google's retry time).
 * - auth_expired: a 401 on a Gmail call; refresh the access token and retry once.
 * - auth_revoked: the grant is gone (invalid_grant) or unusable; the connection needs re-auth (R6).
 * - history_expired: history.list 404, the start id is too old; catch up by listing messages (R6).
 * - not_found: the message/thread/attachment no longer exists; skip it.
 * - sending_limit: Gmail's own sending limit on a send; block sends until the time Gmail named.
 * - fatal: our request is wrong or forbidden; retrying cannot help.
 */
export type GoogleFailureKind =
  | "retry"
  | "rate_limited"
  | "auth_expired"
  | "auth_revoked"
  | "history_expired"
  | "not_found"
  | "sending_limit"
  | "fatal";

/** Which Google endpoint failed: the same status means different things on each. */
export type GoogleCall = "oauth_token" | "history_list" | "messages_send" | "gmail";

export interface GoogleFailureInput {
  call: GoogleCall;
  /** HTTP status; null when no answer came (network failure, timeout, aborted). */
  status: number | null;
  /** The answer body: text or already-parsed JSON; anything unreadable is ignored. */
  body?: unknown;
  /** True when this 401 answers a call made with a token refreshed just before. */
  afterRefresh?: boolean;
  /** True when no answer came because our deadline passed (deadline.ts): a lost answer, reason `timeout`. */
  timedOut?: boolean;
}

export interface GoogleFailure {
  kind: GoogleFailureKind;
  status: number | null;
  /** Google's first reason (or the OAuth `error`), for logs and API `details.reason`. */
  reason: string | null;
  /** Unix ms from Google's "Retry after <RFC3339>" text, when it gave one. */
  retryAt: number | null;
}

// Reasons Google gives for quota exhaustion (domain usageLimits): back off, do not give up.
const QUOTA_REASONS = new Set([
  "dailylimitexceeded",
  "userratelimitexceeded",
  "ratelimitexceeded",
  "quotaexceeded",
  "concurrentlimitexceeded",
  "limitexceeded",
  "rate_limit_exceeded",
  "resource_exhausted",
]);
// Gmail's texts for its own per-user sending limit, e.g. "User-rate limit exceeded.  Retry after … (Mail sending)".
const SENDING_LIMIT_TEXT = /mail sending|sending limit|sending quota/i;

/** Classifies one failed Google answer (or a missing one). Pure; never throws. */
export function classifyGoogleFailure(input: GoogleFailureInput): GoogleFailure {
  const body = readGoogleErrorBody(input.body);
  const reason = input.timedOut === true ? "timeout" : (body.oauthError ?? body.reasons[0] ?? body.status ?? null);
  const retryAt = retryAtFromMessages(body.messages);
  const kind = input.status === null ? "retry" : kindOf(input, input.status, body);
  return { kind, status: input.status, reason, retryAt };
}

function kindOf(input: GoogleFailureInput, status: number, body: GoogleErrorBody): GoogleFailureKind {
  if (input.call === "oauth_token") return tokenKind(status, body);
  const reasons = body.reasons.map((r) => r.toLowerCase());
  if (status === 429 || (status === 403 && isQuota(reasons, body))) {
    return body.messages.some((m) => SENDING_LIMIT_TEXT.test(m)) ? "sending_limit" : "rate_limited";
  }
  if (status === 401) return input.afterRefresh === true ? "auth_revoked" : "auth_expired";
  // The Workspace admin has disabled Gmail apps for the user: nothing works until they act and reconnect.
  if (status === 403 && reasons.includes("domainpolicy")) return "auth_revoked";
  if (status === 404) return input.call === "history_list" ? "history_expired" : "not_found";
  // Gmail answers 400 failedPrecondition intermittently to calls that succeed when repeated; the caller's
  // attempt limit (R24) bounds it.
  if (status === 400 && reasons.includes("failedprecondition")) return "retry";
  if (status === 408 || status >= 500) return "retry";
  return "fatal";
}

function isQuota(reasons: string[], body: GoogleErrorBody): boolean {
  return (
    body.domains.includes("usageLimits") ||
    body.status === "RESOURCE_EXHAUSTED" ||
    reasons.some((reason) => QUOTA_REASONS.has(reason))
  );
}

/** The token endpoint (refresh): OAuth's `error` field decides, not Gmail's reasons. */
function tokenKind(status: number, body: GoogleErrorBody): GoogleFailureKind {
  // invalid_grant: refresh token revoked, expired, or the password changed (R6).
  if (body.oauthError === "invalid_grant") return "auth_revoked";
  if (status === 429) return "rate_limited";
  if (status === 408 || status >= 500) return "retry";
  // invalid_client, unauthorized_client, invalid_request…: our configuration is wrong.
  return "fatal";
}
