import { directoryDb } from "../db/database";
import { listMailboxesDueForCatchUp } from "../db/mailboxes-catch-up";
import type { Env } from "../env";
import { log } from "../log";
import { mailboxStub } from "../mailbox/stub";
import { CATCH_UP_AFTER_MS, catchUpAt } from "../sync/catch-up";

/** One tick asks at most this many mailboxes (each call is a subrequest of the cron invocation). */
export const CATCH_UP_PAGE_SIZE = 400;
export const CATCH_UP_CONCURRENCY = 20;

/**
 * R22: every active mailbox with no completed sync in the last 10 minutes is asked to sync, each at its
 * own moment of the next few minutes. The DO only sets an alarm; Google is called when it fires.
 */
export async function requestCatchUpSyncs(env: Env, now: number): Promise<{ due: number; scheduled: number }> {
  const addresses = await listMailboxesDueForCatchUp(directoryDb(env), now - CATCH_UP_AFTER_MS, CATCH_UP_PAGE_SIZE);
  let scheduled = 0;
  for (let i = 0; i < addresses.length; i += CATCH_UP_CONCURRENCY) {
    const batch = addresses.slice(i, i + CATCH_UP_CONCURRENCY);
    const results = await Promise.allSettled(batch.map((address) => mailboxStub(env, address).requestSync(catchUpAt(address, now))));
    results.forEach((result, index) => {
      if (result.status === "fulfilled" && result.value === "scheduled") scheduled += 1;
      else if (result.status === "rejected") log.error("catch_up_request_failed", { address: batch[index], error: result.reason });
    });
  }
  if (addresses.length > 0) log.info("catch_up_tick", { due: addresses.length, scheduled });
  return { due: addresses.length, scheduled };
}
