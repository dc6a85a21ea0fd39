import { loadConfig } from "../config";
import { directoryDb } from "../db/database";
import type { Env } from "../env";
import { log } from "../log";
import { logBccMessage, MAX_BCC_MESSAGE_BYTES } from "./log-message";
import { readAtMost } from "../util/read-at-most";
import { resolveLocation } from "./resolve-location";

const TOO_LARGE = `Message too large: the logging address accepts at most ${MAX_BCC_MESSAGE_BYTES} bytes (25 MiB).`;

/**
 * The Worker's `email` entry (R19–R21): mail to a location's logging address. A refusal is answered
 * with setReject and a reason (a permanent SMTP rejection); anything thrown, a D1 or R2 failure say,
 * leaves the message unaccepted, so the sending server tries again later: store first, answer after.
 */
export async function handleEmail(message: ForwardableEmailMessage, env: Env, _ctx: ExecutionContext): Promise<void> {
  const config = loadConfig(env);
  if (message.rawSize > MAX_BCC_MESSAGE_BYTES) return reject(message, TOO_LARGE, null);
  const location = await resolveLocation(directoryDb(env), message.to, config.BCC_DOMAIN);
  if (location === null) return reject(message, "Unknown logging address.", null);

  const raw = await readAtMost(message.raw, MAX_BCC_MESSAGE_BYTES);
  if (raw === null) return reject(message, TOO_LARGE, location.id);

  const outcome = await logBccMessage({ env, config, now: Date.now() }, location, raw);
  if (!outcome.ok) return reject(message, outcome.error, location.id);
  log.info("bcc_logged", {
    locationId: location.id,
    messageId: outcome.value.messageId,
    created: outcome.value.created,
  });
}

function reject(message: ForwardableEmailMessage, reason: string, locationId: string | null): void {
  log.warn("bcc_rejected", { locationId, reason });
  message.setReject(reason);
}
