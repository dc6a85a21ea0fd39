import type { Config } from "../config";
import type { Env } from "../env";
import type { Principal } from "./middleware/auth";

/** What every handler sees: the bindings, the parsed config and, under /v1, the caller. */
export type AppEnv = {
  Bindings: Env;
  Variables: { config: Config; principal: Principal };
};
