import type { Context } from "hono";
import type { z } from "zod";

export const CONTROL_PREFIX = "/__emulator";

export function controlError(status: number, message: string, issues?: unknown): Response {
  return Response.json({ error: message, ...(issues ? { issues } : {}) }, { status });
}

/** Parses a control request's JSON body with its schema; a bad body is a 400 naming the issues. */
export async function readInput<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<{ ok: true; data: z.infer<S> } | { ok: false; response: Response }> {
  let json: unknown = {};
  const text = await c.req.text();
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, response: controlError(400, "body is not JSON") };
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, response: controlError(400, "invalid control input", parsed.error.issues) };
  return { ok: true, data: parsed.data };
}
