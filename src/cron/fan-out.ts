import { directoryDb } from "../db/database";
import { pageMailboxesDueForCatchUp, pageMailboxesDueForWatchRenewal } from "../db/mailboxes/due";
import type { Env } from "../env";
import { log } from "../log";
import { renewalHorizon } from "../sync/watch-renewal";
import { CATCH_UP_AFTER_MS } from "../sync/catch-up";
import { D1_ROUND_TRIP, QUEUE_SEND } from "../util/subrequest-costs";
import { type MailboxTask, TASKS_PER_SEND } from "./mailbox-tasks";

/** Rows read per directory query: one D1 round trip per 1,000 mailboxes. */
export const DUE_PAGE_SIZE = 1_000;
/**
 * At most this many tasks of each kind per tick, the paid plan's 1,000 subrequests being the bound: 2 × 25,000
 * tasks cost 500 sendBatch calls (QUEUE_SEND each) and about 50 directory pages (D1_ROUND_TRIP each). A fleet
 * larger than that is still due at the next tick. The consumers' invocations have budgets of their own.
 */
export const MAX_TASKS_PER_KIND = 25_000;

export interface FanOutTally {
  renewals: number;
  catchUps: number;
  /** Subrequests this invocation spent: directory pages read and queue batches sent. */
  subrequests: number;
}

/**
 * The cron (R3, R22) for a fleet: pages every due mailbox out of the directory and hands one task per mailbox
 * to the MAILBOX_TASKS queue, so one invocation stays small (a few hundred subrequests for 10,000 mailboxes)
 * and the Durable Objects are called by the queue's consumers, a hundred per invocation, in parallel.
 */
export async function enqueueDueMailboxTasks(env: Env, now: number): Promise<FanOutTally> {
  const db = directoryDb(env);
  const tally: FanOutTally = { renewals: 0, catchUps: 0, subrequests: 0 };
  const horizon = renewalHorizon(now);
  tally.renewals = await fanOut(env, tally, "renew_watch", now, (after) =>
    pageMailboxesDueForWatchRenewal(db, horizon, after, DUE_PAGE_SIZE),
  );
  const syncedBefore = now - CATCH_UP_AFTER_MS;
  tally.catchUps = await fanOut(env, tally, "catch_up", now, (after) =>
    pageMailboxesDueForCatchUp(db, syncedBefore, after, DUE_PAGE_SIZE),
  );
  if (tally.renewals + tally.catchUps > 0) log.info("cron_fan_out", { ...tally });
  return tally;
}

type Page = { addresses: string[]; next: string | null };

async function fanOut(
  env: Env,
  tally: FanOutTally,
  kind: MailboxTask["kind"],
  at: number,
  readPage: (after: string | null) => Promise<Page>,
): Promise<number> {
  let sent = 0;
  let after: string | null = null;
  do {
    const page = await readPage(after);
    tally.subrequests += D1_ROUND_TRIP;
    for (let i = 0; i < page.addresses.length && sent < MAX_TASKS_PER_KIND; i += TASKS_PER_SEND) {
      const chunk = page.addresses.slice(i, Math.min(i + TASKS_PER_SEND, i + MAX_TASKS_PER_KIND - sent));
      await env.MAILBOX_TASKS.sendBatch(
        chunk.map((address) => ({ body: { kind, address, at } satisfies MailboxTask })),
      );
      tally.subrequests += QUEUE_SEND;
      sent += chunk.length;
    }
    after = page.next;
  } while (after !== null && sent < MAX_TASKS_PER_KIND);
  return sent;
}
