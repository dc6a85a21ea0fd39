import { err, ok, type Result } from "../util/result";
import type { MailboxContext } from "./context";
import { readAccount } from "./state";
import { runSync } from "./sync-run";
import { readSyncState, recordNotification, setWanted } from "./sync-state";
import { planTrailingRead, readTrailingRead, setTrailingRead, startDueTrailingRead } from "./trailing-read";

/** A push recorded (news or not), or why the mailbox takes none. */
export type NotifyOutcome = Result<null, "unknown_mailbox" | "not_active">;

/*
 * The sync's Durable Object verbs, kept out of mailbox.ts: each takes the verb's MailboxContext (the alarm is
 * its `storage`'s). Alarms do the waiting (STYLE habit 7): verbs only record and schedule.
 */

/** Gmail push: the id is recorded durably (before the RPC answers) and an alarm is set if it is news. */
export async function notifySync(context: MailboxContext, historyId: string): Promise<NotifyOutcome> {
  const { account } = context;
  if (account === null) return err("unknown_mailbox");
  if (account.status !== "active") return err("not_active");
  const known = readSyncState(context.sql).scanTarget ?? account.historyId;
  // Duplicated and reordered pushes (ids at or below what is known) coalesce into nothing.
  if (recordNotification(context.sql, historyId, known)) await scheduleSync(context, context.now());
  return ok(null);
}

/** R22 catch-up from the cron: a sync at `at` (spread by the caller), push or no push. */
export async function requestSync(context: MailboxContext, at: number): Promise<Result<null, "not_active">> {
  const { account } = context;
  if (account === null || account.status !== "active") return err("not_active");
  setWanted(context.sql, true);
  await scheduleSync(context, at);
  return ok(null);
}

/** The alarm: one run; more work continues in the next alarm, failures back off (R22). */
export async function runSyncAlarm(context: MailboxContext): Promise<void> {
  const { storage } = context;
  context.transaction(() => startDueTrailingRead(context.sql, context.now()));
  const cursorBefore = readAccount(context.sql)?.historyId ?? null;
  const outcome = await runSync(context);
  // Reading 15: the mailbox changed, so a notification Gmail dropped may be missing: read history again soon.
  const trailing = planTrailingRead(cursorBefore, readAccount(context.sql)?.historyId ?? null, context.now());
  if (trailing !== null) setTrailingRead(context.sql, trailing);
  if (outcome.next === "now") return storage.setAlarm(context.now());
  if (outcome.next === "at") await storage.setAlarm(outcome.at);
  // Before a message's own backoff ends, if sooner; never before a run's backoff (scheduleSync).
  const due = readTrailingRead(context.sql);
  if (due !== null && readAccount(context.sql)?.status === "active") await scheduleSync(context, due);
}

/** Sets the alarm no later than `at`, but never before a backoff in force: pushes must not hammer Google. */
async function scheduleSync(context: MailboxContext, at: number): Promise<void> {
  const { storage } = context;
  const retryAt = readSyncState(context.sql).retryAt;
  const when = Math.max(at, retryAt ?? 0);
  const current = await storage.getAlarm();
  if (current === null || current > when) await storage.setAlarm(when);
}
