/** Google's JSON error body for Gmail: `{"error":{"code","message","errors":[{message,domain,reason}],"status"}}`. */

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  412: "FAILED_PRECONDITION",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

export interface GoogleErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

export interface GoogleErrorBody {
  error: { code: number; message: string; errors: GoogleErrorItem[]; status: string };
}

export function googleErrorBody(
  code: number,
  reason: string,
  message: string,
  extra: Partial<GoogleErrorItem> = {},
): GoogleErrorBody {
  return {
    error: {
      code,
      message,
      errors: [
        {
          message: extra.message ?? message,
          domain: extra.domain ?? "global",
          reason,
          ...(extra.location ? { location: extra.location, locationType: extra.locationType ?? "parameter" } : {}),
        },
      ],
      status: STATUS_NAMES[code] ?? "UNKNOWN",
    },
  };
}

export function googleError(
  code: number,
  reason: string,
  message: string,
  extra: Partial<GoogleErrorItem> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(googleErrorBody(code, reason, message, extra), null, 2), {
    status: code,
    headers: { "Content-Type": "application/json; charset=UTF-8", Vary: "Origin, X-Origin, Referer", ...headers },
  });
}

export function gmailJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { "Content-Type": "application/json; charset=UTF-8", Vary: "Origin, X-Origin, Referer" },
  });
}

/** The canned errors Gmail answers most. Messages are Google's own wording. */
export const errors = {
  notFound: () => googleError(404, "notFound", "Requested entity was not found."),
  invalidArgument: (message: string) => googleError(400, "invalidArgument", message),
  badRequest: (message: string) => googleError(400, "badRequest", message),
  failedPrecondition: (message: string) => googleError(400, "failedPrecondition", message),
  unauthenticated: () =>
    googleError(
      401,
      "authError",
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      { message: "Invalid Credentials", location: "Authorization", locationType: "header" },
      { "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    ),
  loginRequired: () =>
    googleError(
      401,
      "required",
      "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      { message: "Login Required.", location: "Authorization", locationType: "header" },
      { "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"' },
    ),
  insufficientScope: () =>
    googleError(
      403,
      "insufficientPermissions",
      "Request had insufficient authentication scopes.",
      { message: "Insufficient Permission" },
      {
        "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"',
      },
    ),
  /** The Workspace admin has disabled Gmail apps (API access) for the user's domain. */
  domainPolicy: () => googleError(403, "domainPolicy", "The domain administrators have disabled Gmail apps."),
  delegationDenied: (userId: string) => googleError(403, "forbidden", `Delegation denied for ${userId}`),
  /** The per-user per-minute quota, as Google's quota system answers it today. */
  rateLimited: () =>
    googleError(
      429,
      "rateLimitExceeded",
      "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'gmail.googleapis.com' for consumer 'project_number:000000000000'.",
      { domain: "usageLimits" },
    ),
  /** The older shape some Google front ends still answer for the same limit. */
  userRateLimited: () =>
    googleError(403, "userRateLimitExceeded", "User Rate Limit Exceeded", { domain: "usageLimits" }),
  /** Gmail's mail-sending limit: 429 with the time sending becomes possible again. */
  sendingLimit: (retryAt: Date) =>
    googleError(
      429,
      "rateLimitExceeded",
      `User-rate limit exceeded.  Retry after ${retryAt.toISOString()} (Mail sending)`,
      { domain: "usageLimits" },
    ),
  backendError: () => googleError(500, "backendError", "Backend Error"),
  unavailable: () => googleError(503, "backendError", "The service is currently unavailable."),
};
