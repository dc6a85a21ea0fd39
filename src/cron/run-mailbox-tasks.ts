import type { Env } from "../env";
import { log } from "../log";
import { mailboxStub } from "../mailbox/stub";
import { catchUpAt } from "../sync/catch-up";
import { isMailboxTask, type MailboxTask } from "./mailbox-tasks";

/** Durable Object calls in flight at once within one consumer invocation. */
export const TASK_CONCURRENCY = 25;
/** A task whose Durable Object call failed comes back after this long (the queue retries it). */
export const TASK_RETRY_DELAY_S = 30;

/**
 * The MAILBOX_TASKS consumer: each task calls its mailbox's Durable Object, which owns the decision (not due,
 * backing off, not active) and its idempotency; a failed call is retried by the queue, not by us.
 */
export async function runMailboxTasks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const messages = batch.messages;
  for (let i = 0; i < messages.length; i += TASK_CONCURRENCY) {
    const slice = messages.slice(i, i + TASK_CONCURRENCY);
    await Promise.all(
      slice.map(async (message) => {
        if (!isMailboxTask(message.body)) {
          log.warn("mailbox_task_malformed", { id: message.id });
          message.ack();
          return;
        }
        try {
          await runTask(env, message.body);
          message.ack();
        } catch (error) {
          log.error("mailbox_task_failed", {
            kind: message.body.kind,
            address: message.body.address,
            attempts: message.attempts,
            error,
          });
          message.retry({ delaySeconds: TASK_RETRY_DELAY_S });
        }
      }),
    );
  }
}

async function runTask(env: Env, task: MailboxTask): Promise<void> {
  const stub = mailboxStub(env, task.address);
  if (task.kind === "renew_watch") await stub.renewWatch(task.at);
  // The catch-up runs at the mailbox's own slot of the tick's window, so a fleet reaches Google evenly spread.
  else await stub.requestSync(catchUpAt(task.address, task.at));
}
