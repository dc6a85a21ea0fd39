import type { EmulatorState } from "../state/store";
import type { Account, HistoryRecord, Watch } from "../state/types";

/** Push only when the change touches a watched label (include) or none of them (exclude). */
export function matchesWatch(watch: Watch, record: HistoryRecord): boolean {
  if (watch.labelIds.length === 0) return true;
  const touched = new Set([...record.labelIds, ...record.changedLabelIds]);
  const hit = watch.labelIds.some((l) => touched.has(l));
  return watch.behavior === "include" ? hit : !hit;
}

/** Minimum spacing of pushes per mailbox: Gmail drops notifications above 1 per second. */
export const PUSH_MIN_INTERVAL_MS = 1000;

/**
 * Gmail publishes `{"emailAddress","historyId"}` to the watch's topic for a change to a watched label,
 * while the watch has not expired, at most once a second per mailbox (the excess is dropped).
 */
export function publishChange(state: EmulatorState, account: Account, record: HistoryRecord): void {
  const watch = account.watch;
  const now = state.clock.of(account);
  if (!watch || now >= watch.expiration || !matchesWatch(watch, record)) return;
  if (account.lastPushAt !== null && now - account.lastPushAt < PUSH_MIN_INTERVAL_MS) return;
  account.lastPushAt = now;
  state.outbox.publish(account.email, watch.topicName, { emailAddress: account.email, historyId: record.id }, now);
}
