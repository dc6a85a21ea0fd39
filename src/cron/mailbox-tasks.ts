/**
 * One unit of fleet-wide cron work for one mailbox (R3 renewal, R22 catch-up), carried by the MAILBOX_TASKS
 * queue from the scheduled handler (fan-out.ts) to its consumer (run-mailbox-tasks.ts). `at` is the tick's
 * time: the mailbox's Durable Object decides from it, so a task delivered late or twice does no harm.
 */
export interface MailboxTask {
  kind: "renew_watch" | "catch_up";
  address: string;
  at: number;
}

/** Queues take at most 100 messages per sendBatch call (Cloudflare Queues limits). */
export const TASKS_PER_SEND = 100;

/** Queue names differ per environment (`…-mailbox-tasks-production`): the consumer recognises its queue by this. */
export const MAILBOX_TASKS_QUEUE_MARK = "mailbox-tasks";

export function isMailboxTaskQueue(queueName: string): boolean {
  return queueName.includes(MAILBOX_TASKS_QUEUE_MARK);
}

export function isMailboxTask(value: unknown): value is MailboxTask {
  if (typeof value !== "object" || value === null) return false;
  const task = value as Record<string, unknown>;
  return (
    (task.kind === "renew_watch" || task.kind === "catch_up") &&
    typeof task.address === "string" &&
    typeof task.at === "number"
  );
}
