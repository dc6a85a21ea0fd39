import { directoryDb } from "../db/database";
import { purgeExpiredStateUses } from "../db/oauth-state-uses";
import type { Env } from "../env";
import { requestCatchUpSyncs } from "./catch-up-sync";
import { purgeExpiredDecisions } from "./purge-decisions";
import { renewDueWatches } from "./renew-watches";

/**
 * The cron (every 5 minutes): fan out to the mailboxes' DOs, which own the work and its idempotency.
 * `scheduledTime` is the clock, so a test can run the ticks of days to come.
 */
export async function runScheduled(controller: Pick<ScheduledController, "scheduledTime">, env: Env): Promise<void> {
  const now = controller.scheduledTime;
  await renewDueWatches(env, now);
  await requestCatchUpSyncs(env, now);
  await purgeExpiredStateUses(directoryDb(env), now);
  await purgeExpiredDecisions(env, now);
}
