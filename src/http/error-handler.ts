import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, errorResponse } from "../errors";
import { log } from "../log";
import { bodyNotJson } from "./request-errors";

/** Failures raised by Hono itself (body parsing, media type), as the API's error codes. */
function fromHttpException(error: HTTPException): AppError {
  switch (error.status) {
    case 400:
      return bodyNotJson();
    case 413:
      return new AppError("payload_too_large", "The request body is too large.");
    case 415:
      return new AppError("unsupported_media_type", "Send the body as application/json.");
    default:
      return new AppError("internal_error", "Something went wrong on our side; try again.");
  }
}

/** The one place an error becomes a response: AppError as docs/api.md's body; anything else a logged 500. */
export const handleError: ErrorHandler = (error, c) => {
  if (error instanceof AppError) return errorResponse(error);
  if (error instanceof HTTPException) {
    const appError = fromHttpException(error);
    if (appError.code === "internal_error") log.error("http_exception", { status: error.status, error });
    return errorResponse(appError);
  }
  log.error("unhandled_error", { method: c.req.method, path: c.req.path, error });
  return errorResponse(new AppError("internal_error", "Something went wrong on our side; try again."));
};
