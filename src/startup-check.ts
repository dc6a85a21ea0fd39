import { env } from "cloudflare:workers";
import { loadConfig } from "./config";
import { AppError } from "./errors";
import { log } from "./log";

/**
 * docs/api.md: a missing or malformed setting is reported at start-up, not only on the first request. The
 * requests themselves still answer 500 `misconfigured` (config.ts); this only makes the log say so early.
 */
export function reportConfigAtStartup(bindings: object = env): void {
  try {
    loadConfig(bindings);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    log.error("misconfigured", { message: error.message, details: error.details });
  }
}
