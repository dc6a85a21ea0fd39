import { AppError } from "../errors";
import { readAtMost } from "../util/read-at-most";

/**
 * Reads a request body as text, refusing more than `maxBytes` without buffering it: the declared
 * Content-Length is checked first, then the stream is cut off as soon as it runs over.
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError("payload_too_large", `The request body is over ${maxBytes} bytes.`, { maxBytes });
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (request.body === null) return "";
  const bytes = await readAtMost(request.body, maxBytes);
  if (bytes === null) throw tooLarge();
  return new TextDecoder().decode(bytes);
}
