/**
 * What a Google error answer says, read defensively: the body is untrusted and may be JSON of either
 * shape below, HTML from a proxy, or empty.
 * - Google APIs: {"error":{"code","message","status","errors":[{"domain","reason","message"}],"details":[{"reason"}]}}
 * - OAuth token endpoint: {"error":"invalid_grant","error_description":"…"}
 */
export interface GoogleErrorBody {
  /** errors[].reason, then details[].reason (ErrorInfo), in order. */
  reasons: string[];
  /** errors[].domain, e.g. "usageLimits". */
  domains: string[];
  /** error.status, e.g. "RESOURCE_EXHAUSTED". */
  status: string | null;
  /** error.message and errors[].message, or the OAuth error_description. */
  messages: string[];
  /** The OAuth `error` string. */
  oauthError: string | null;
}

export function readGoogleErrorBody(body: unknown): GoogleErrorBody {
  const out: GoogleErrorBody = { reasons: [], domains: [], status: null, messages: [], oauthError: null };
  const json = typeof body === "string" ? parseJson(body) : body;
  if (!isRecord(json)) {
    if (typeof body === "string" && body.trim() !== "") out.messages.push(body.slice(0, 1000));
    return out;
  }
  const error = json.error;
  if (typeof error === "string") {
    out.oauthError = error;
    if (typeof json.error_description === "string") out.messages.push(json.error_description);
    return out;
  }
  if (!isRecord(error)) return out;
  if (typeof error.status === "string") out.status = error.status;
  if (typeof error.message === "string") out.messages.push(error.message);
  for (const item of arrayOf(error.errors)) {
    if (typeof item.reason === "string") out.reasons.push(item.reason);
    if (typeof item.domain === "string") out.domains.push(item.domain);
    if (typeof item.message === "string") out.messages.push(item.message);
  }
  for (const item of arrayOf(error.details)) {
    if (typeof item.reason === "string") out.reasons.push(item.reason);
  }
  return out;
}

const RETRY_AFTER_TEXT = /Retry after (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))/i;

/** Unix ms of Google's "User-rate limit exceeded.  Retry after 2024-11-12T11:16:42.247Z" texts, or null. */
export function retryAtFromMessages(messages: readonly string[]): number | null {
  for (const message of messages) {
    const match = RETRY_AFTER_TEXT.exec(message);
    const at = match?.[1] === undefined ? Number.NaN : Date.parse(match[1]);
    if (Number.isFinite(at)) return at;
  }
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
