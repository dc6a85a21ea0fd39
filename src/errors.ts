/** The closed list of error codes this service answers with, and the status each one carries. */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_state: 400,
  unauthorized: 401,
  invalid_push_token: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  mailbox_taken: 409,
  mailbox_needs_reauth: 409,
  mailbox_not_connected: 409,
  message_deleted_in_gmail: 409,
  request_in_progress: 409,
  payload_too_large: 413,
  attachments_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reuse: 422,
  daily_send_limit: 429,
  internal_error: 500,
  misconfigured: 500,
  gmail_error: 502,
  email_provider_error: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/**
 * An expected failure that reaches the client. `message` is public; anything internal goes to the log.
 * `headers` carries answers such as Retry-After.
 */
export class AppError extends Error {
  readonly status: ErrorStatus;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function errorResponse(error: AppError): Response {
  return Response.json(error.toBody(), { status: error.status, headers: error.headers });
}
