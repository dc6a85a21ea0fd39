import { errors } from "./errors";

/** Reads a JSON request body the way Google's front end does: malformed JSON is a 400 with its wording. */
export async function readJsonBody(
  request: Request,
): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; response: Response }> {
  const text = await request.text();
  if (text.trim() === "") return { ok: true, body: {} };
  try {
    const body = JSON.parse(text) as unknown;
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new Error("not an object");
    return { ok: true, body: body as Record<string, unknown> };
  } catch {
    return {
      ok: false,
      response: errors.badRequest(`Invalid JSON payload received. Unexpected token.\n${text.slice(0, 40)}\n^`),
    };
  }
}
