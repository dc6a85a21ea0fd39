import { describe, expect, it } from "vitest";
import { classifyGoogleFailure, type GoogleCall, type GoogleFailureKind } from "../../../src/gmail/classify";

/** Google's API error body, as the Gmail "Resolve errors" guide shows it. */
function gErr(code: number, reason: string, message: string, domain = "global", status?: string) {
  return { error: { code, message, errors: [{ domain, reason, message }], ...(status ? { status } : {}) } };
}

const SENDING = "User-rate limit exceeded.  Retry after 2026-11-26T19:00:00.000Z (Mail sending)";

describe("classifyGoogleFailure", () => {
  it.each<GoogleCall>(["gmail", "history_list", "messages_send", "oauth_token"])(
    "a call past our deadline on %s is a lost answer: retry, reason timeout",
    (call) => {
      expect(classifyGoogleFailure({ call, status: null, timedOut: true })).toEqual({
        kind: "retry",
        status: null,
        reason: "timeout",
        retryAt: null,
      });
    },
  );

  it.each<[string, GoogleCall, number | null, unknown, GoogleFailureKind, string | null]>([
    ["network failure or timeout (no answer)", "gmail", null, undefined, "retry", null],
    ["400 badRequest is our bug", "gmail", 400, gErr(400, "badRequest", "Invalid value"), "fatal", "badRequest"],
    [
      "400 invalidArgument on send",
      "messages_send",
      400,
      gErr(400, "invalidArgument", "Invalid To header"),
      "fatal",
      "invalidArgument",
    ],
    [
      "400 failedPrecondition is transient",
      "gmail",
      400,
      gErr(400, "failedPrecondition", "Precondition check failed.", "global", "FAILED_PRECONDITION"),
      "retry",
      "failedPrecondition",
    ],
    [
      "401 authError: refresh and retry once",
      "gmail",
      401,
      gErr(401, "authError", "Invalid Credentials"),
      "auth_expired",
      "authError",
    ],
    [
      "403 dailyLimitExceeded is a quota",
      "gmail",
      403,
      gErr(403, "dailyLimitExceeded", "Daily Limit Exceeded", "usageLimits"),
      "rate_limited",
      "dailyLimitExceeded",
    ],
    [
      "403 userRateLimitExceeded is a quota",
      "gmail",
      403,
      gErr(403, "userRateLimitExceeded", "User Rate Limit Exceeded", "usageLimits"),
      "rate_limited",
      "userRateLimitExceeded",
    ],
    [
      "403 rateLimitExceeded is a quota",
      "gmail",
      403,
      gErr(403, "rateLimitExceeded", "Quota exceeded for quota metric 'Queries'", "usageLimits"),
      "rate_limited",
      "rateLimitExceeded",
    ],
    [
      "403 RESOURCE_EXHAUSTED status alone is a quota",
      "gmail",
      403,
      { error: { code: 403, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } },
      "rate_limited",
      "RESOURCE_EXHAUSTED",
    ],
    [
      "403 domainPolicy: the admin disabled Gmail apps",
      "gmail",
      403,
      gErr(403, "domainPolicy", "The domain administrators have disabled Gmail apps."),
      "auth_revoked",
      "domainPolicy",
    ],
    [
      "403 insufficientPermissions is fatal",
      "gmail",
      403,
      gErr(403, "insufficientPermissions", "Insufficient Permission", "global", "PERMISSION_DENIED"),
      "fatal",
      "insufficientPermissions",
    ],
    ["403 forbidden is fatal", "gmail", 403, gErr(403, "forbidden", "Forbidden"), "fatal", "forbidden"],
    ["403 without a body is fatal", "gmail", 403, "", "fatal", null],
    [
      "404 on history.list: the start id expired",
      "history_list",
      404,
      gErr(404, "notFound", "Requested entity was not found."),
      "history_expired",
      "notFound",
    ],
    [
      "404 on a message read",
      "gmail",
      404,
      gErr(404, "notFound", "Requested entity was not found."),
      "not_found",
      "notFound",
    ],
    [
      "404 on a send is not found, not history",
      "messages_send",
      404,
      gErr(404, "notFound", "Not Found"),
      "not_found",
      "notFound",
    ],
    [
      "429 too many concurrent requests",
      "gmail",
      429,
      gErr(429, "rateLimitExceeded", "Too many concurrent requests for user", "usageLimits", "RESOURCE_EXHAUSTED"),
      "rate_limited",
      "rateLimitExceeded",
    ],
    ["429 without a body", "gmail", 429, "", "rate_limited", null],
    [
      "429 Mail sending: Gmail's sending limit",
      "messages_send",
      429,
      gErr(429, "rateLimitExceeded", SENDING, "usageLimits"),
      "sending_limit",
      "rateLimitExceeded",
    ],
    [
      "403 Mail sending: Gmail's sending limit",
      "messages_send",
      403,
      gErr(403, "userRateLimitExceeded", SENDING, "usageLimits"),
      "sending_limit",
      "userRateLimitExceeded",
    ],
    [
      "429 'Mail sending limit exceeded'",
      "messages_send",
      429,
      gErr(429, "rateLimitExceeded", "Mail sending limit exceeded"),
      "sending_limit",
      "rateLimitExceeded",
    ],
    ["500 backendError", "gmail", 500, gErr(500, "backendError", "Backend Error"), "retry", "backendError"],
    ["502 from a proxy, HTML body", "gmail", 502, "<html>Bad Gateway</html>", "retry", null],
    [
      "503 backendError",
      "history_list",
      503,
      gErr(503, "backendError", "Service unavailable"),
      "retry",
      "backendError",
    ],
    ["504 gateway timeout", "gmail", 504, "", "retry", null],
    ["408 request timeout", "gmail", 408, "", "retry", null],
    [
      "JSON as text is read",
      "gmail",
      403,
      JSON.stringify(gErr(403, "rateLimitExceeded", "x", "usageLimits")),
      "rate_limited",
      "rateLimitExceeded",
    ],
    [
      "ErrorInfo detail reason is read",
      "gmail",
      403,
      {
        error: {
          code: 403,
          message: "x",
          status: "PERMISSION_DENIED",
          details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT" }],
        },
      },
      "fatal",
      "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
    ],
    [
      "token endpoint invalid_grant: revoked (R6)",
      "oauth_token",
      400,
      { error: "invalid_grant", error_description: "Token has been expired or revoked." },
      "auth_revoked",
      "invalid_grant",
    ],
    [
      "token endpoint invalid_client: misconfigured",
      "oauth_token",
      401,
      { error: "invalid_client", error_description: "Unauthorized" },
      "fatal",
      "invalid_client",
    ],
    ["token endpoint invalid_request", "oauth_token", 400, { error: "invalid_request" }, "fatal", "invalid_request"],
    ["token endpoint 503", "oauth_token", 503, "", "retry", null],
    ["token endpoint 429", "oauth_token", 429, "", "rate_limited", null],
    ["token endpoint network failure", "oauth_token", null, undefined, "retry", null],
  ])("%s", (_name, call, status, body, kind, reason) => {
    const failure = classifyGoogleFailure({ call, status, body });
    expect(failure.kind).toBe(kind);
    expect(failure.reason).toBe(reason);
    expect(failure.status).toBe(status);
  });

  it("a 401 right after a refresh means the grant is unusable", () => {
    const body = gErr(401, "authError", "Invalid Credentials");
    expect(classifyGoogleFailure({ call: "gmail", status: 401, body, afterRefresh: true }).kind).toBe("auth_revoked");
  });

  it.each<[string, unknown, number | null]>([
    [
      "reads Google's 'Retry after <RFC3339>' text",
      gErr(429, "rateLimitExceeded", SENDING),
      Date.parse("2026-11-26T19:00:00.000Z"),
    ],
    [
      "reads an offset time",
      gErr(429, "rateLimitExceeded", "User-rate limit exceeded.  Retry after 2026-11-26T20:00:00+01:00"),
      Date.parse("2026-11-26T19:00:00Z"),
    ],
    ["no time named", gErr(429, "rateLimitExceeded", "User-rate limit exceeded"), null],
    ["an invalid time is ignored", gErr(429, "rateLimitExceeded", "Retry after 2026-13-45T99:00:00Z"), null],
  ])("retryAt %s", (_name, body, expected) => {
    expect(classifyGoogleFailure({ call: "messages_send", status: 429, body }).retryAt).toBe(expected);
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["a number", 42],
    ["an array", [1, 2]],
    ["error as array", { error: [] }],
    ["errors not an array", { error: { errors: "x", details: 5 } }],
    ["broken JSON text", '{"error": {'],
  ])("never throws on a hostile body: %s", (_name, body) => {
    expect(classifyGoogleFailure({ call: "gmail", status: 403, body }).kind).toBe("fatal");
  });
});
