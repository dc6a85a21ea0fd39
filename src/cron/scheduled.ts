import { directoryDb } from "../db/database";
import { purgeExpiredStateUses } from "../db/oauth-state-uses";
import type { Env } from "../env";
import { purgeOldEvents, sweepUnhandedDeliveries } from "../events/housekeeping";
import { enqueueDueMailboxTasks } from "./fan-out";
import { purgeExpiredDecisions } from "./purge-decisions";

/**
 * The cron (every 5 minutes): hands every due mailbox's renewal (R3) and catch-up (R22) to the MAILBOX_TASKS
 * queue, whose consumers call the mailboxes' DOs, which own the work and its idempotency.
 * `scheduledTime` is the clock, so a test can run the ticks of days to come.
 */
export async function runScheduled(controller: Pick<ScheduledController, "scheduledTime">, env: Env): Promise<void> {
  const now = controller.scheduledTime;
  await enqueueDueMailboxTasks(env, now);
  await purgeExpiredStateUses(directoryDb(env), now);
  await sweepUnhandedDeliveries(env, now);
  await purgeOldEvents(env, now);
  await purgeExpiredDecisions(env, now);
}
