import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import { invalidRequest } from "./request-errors";
import type { AppEnv } from "./context";

/**
 * Every zod failure at the edge (params, query, body) becomes 400 `invalid_request` with the zod issues in
 * `details`; thrown, so the one onError writes the body and the handler (and its writes) never run (R24).
 */
export const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (result.success) return;
  throw invalidRequest(result.target, result.error.issues);
};

/** A route group: an OpenAPIHono sub-app sharing the validation hook. Mount it with `app.route()`. */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
