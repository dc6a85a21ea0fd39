/*
 * The refusals of a request's input, one wording each, whoever finds them: the zod validators (router.ts),
 * Hono's own parsing (error-handler.ts), the body limits, and the send's streamed readers (send-body/).
 */
import { AppError } from "../errors";

/** 400 `invalid_request` with zod's issues; `target` names the part of the request ("json", "header"…). */
interface Issue {
  path: readonly PropertyKey[];
  code: string;
  message: string;
}

export function invalidRequest(target: string, issues: readonly Issue[]): AppError {
  return new AppError("invalid_request", `The request ${target} is invalid; see details.issues.`, {
    target,
    issues: issues.map((issue) => ({
      path: issue.path.map(String),
      code: issue.code,
      message: issue.message,
    })),
  });
}

export function bodyNotJson(): AppError {
  return new AppError("invalid_request", "The request body is not valid JSON.");
}

export function bodyTooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The request body is over ${maxBytes} bytes.`, { maxBytes });
}

/** R17: decoded attachment bytes over the cap refuse the whole send. */
export function attachmentsTooLarge(totalBytes: number, maxBytes: number): AppError {
  return new AppError(
    "attachments_too_large",
    `Attachments total ${totalBytes} bytes; at most ${maxBytes} may be sent at once.`,
    { totalBytes, maxBytes },
  );
}
