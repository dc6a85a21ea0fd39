import { directoryDb } from "../db/database";
import { listMailboxesDueForWatchRenewal } from "../db/mailboxes";
import type { Env } from "../env";
import { log } from "../log";
import { mailboxStub } from "../mailbox/stub";
import { renewalHorizon } from "../mailbox/watch-renewal";

/** One tick's fan-out is bounded: a page of the mailboxes closest to expiry, a few at a time. */
export const RENEWAL_PAGE_SIZE = 100;
export const RENEWAL_CONCURRENCY = 10;

export interface RenewalTally {
  due: number;
  renewed: number;
  failed: number;
  skipped: number;
}

/**
 * R3: every active watch is renewed at least daily and before it expires. D1's mirror picks the
 * candidates; each mailbox's DO decides and does the renewal itself (needs_reauth ones are not listed).
 */
export async function renewDueWatches(env: Env, now: number): Promise<RenewalTally> {
  const addresses = await listMailboxesDueForWatchRenewal(directoryDb(env), renewalHorizon(now), RENEWAL_PAGE_SIZE);
  const tally: RenewalTally = { due: addresses.length, renewed: 0, failed: 0, skipped: 0 };
  for (let i = 0; i < addresses.length; i += RENEWAL_CONCURRENCY) {
    const batch = addresses.slice(i, i + RENEWAL_CONCURRENCY);
    const results = await Promise.allSettled(batch.map((address) => mailboxStub(env, address).renewWatch(now)));
    results.forEach((result, index) => {
      if (result.status === "rejected") {
        tally.failed += 1;
        log.error("watch_renewal_call_failed", { address: batch[index], error: result.reason });
      } else if (result.value.result === "renewed") tally.renewed += 1;
      else if (result.value.result === "failed") tally.failed += 1;
      else tally.skipped += 1;
    });
  }
  if (tally.due > 0) log.info("watch_renewal_tick", { ...tally });
  return tally;
}
