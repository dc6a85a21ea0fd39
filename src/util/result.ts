/**
 * The one shape of "it worked, or why not" in the core: a value, or an error that is a value too (a tagged
 * union where a caller must tell failures apart). Errors cross Durable Object RPC as plain data, never as
 * classes; AppError appears only at the HTTP edge, which turns an `error` into the JSON body of docs/api.md.
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
