import { runSync, type SyncHost } from "./sync-run";
import { readSyncState, recordNotification, setWanted } from "./sync-state";
import { planTrailingRead, readTrailingRead, setTrailingRead, startDueTrailingRead } from "./trailing-read";

export type NotifyOutcome = "recorded" | "unknown_mailbox" | "not_active";

/*
 * The sync's Durable Object verbs, kept out of mailbox.ts: each takes the object's storage and a
 * SyncHost. Alarms do the waiting (STYLE habit 7): verbs only record and schedule.
 */

/** Gmail push: the id is recorded durably (before the RPC answers) and an alarm is set if it is news. */
export async function notifySync(
  host: SyncHost,
  storage: DurableObjectStorage,
  historyId: string,
): Promise<NotifyOutcome> {
  const account = host.account();
  if (account === null) return "unknown_mailbox";
  if (account.status !== "active") return "not_active";
  const known = readSyncState(host.sql).scanTarget ?? account.historyId;
  // Duplicated and reordered pushes (ids at or below what is known) coalesce into nothing.
  if (recordNotification(host.sql, historyId, known)) await scheduleSync(host, storage, host.now());
  return "recorded";
}

/** R22 catch-up from the cron: a sync at `at` (spread by the caller), push or no push. */
export async function requestSync(
  host: SyncHost,
  storage: DurableObjectStorage,
  at: number,
): Promise<"scheduled" | "not_active"> {
  const account = host.account();
  if (account === null || account.status !== "active") return "not_active";
  setWanted(host.sql, true);
  await scheduleSync(host, storage, at);
  return "scheduled";
}

/** The alarm: one run; more work continues in the next alarm, failures back off (R22). */
export async function runSyncAlarm(host: SyncHost, storage: DurableObjectStorage): Promise<void> {
  startDueTrailingRead(host.sql, host.now());
  const cursorBefore = host.account()?.historyId ?? null;
  const outcome = await runSync(host);
  // Reading 15: the mailbox changed, so a notification Gmail dropped may be missing: read history again soon.
  const trailing = planTrailingRead(cursorBefore, host.account()?.historyId ?? null, host.now());
  if (trailing !== null) setTrailingRead(host.sql, trailing);
  if (outcome.next === "now") return storage.setAlarm(host.now());
  if (outcome.next === "at") await storage.setAlarm(outcome.at);
  // Before a message's own backoff ends, if sooner; never before a run's backoff (scheduleSync).
  const due = readTrailingRead(host.sql);
  if (due !== null && host.account()?.status === "active") await scheduleSync(host, storage, due);
}

/** Sets the alarm no later than `at`, but never before a backoff in force: pushes must not hammer Google. */
async function scheduleSync(host: SyncHost, storage: DurableObjectStorage, at: number): Promise<void> {
  const retryAt = readSyncState(host.sql).retryAt;
  const when = Math.max(at, retryAt ?? 0);
  const current = await storage.getAlarm();
  if (current === null || current > when) await storage.setAlarm(when);
}
