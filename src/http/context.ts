import type { Config } from "../config";
import type { Env } from "../env";

/** Who is calling: an admin may do everything; a location token only touches its own location. */
export type Principal = { role: "admin" } | { role: "location"; locationId: string };

/** What every handler sees: the bindings, the parsed config and, under /v1, the caller. */
export type AppEnv = {
  Bindings: Env;
  Variables: { config: Config; principal: Principal };
};
