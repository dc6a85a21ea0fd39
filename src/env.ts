import type { MailboxTask } from "./cron/mailbox-tasks";
import type { DeliveryJob } from "./events/types";
import type { Mailbox } from "./mailbox/mailbox";

/** The Worker's bindings as wrangler.toml declares them; plain settings are read only through config.ts. */
export interface Env {
  DB: D1Database;
  MAILBOX: DurableObjectNamespace<Mailbox>;
  ATTACHMENTS: R2Bucket;
  EMAIL: SendEmail;
  /** R29: one message per (event, endpoint) delivery attempt; this Worker is also its consumer. */
  EVENTS_QUEUE: Queue<DeliveryJob>;
  /** R3/R22 fleet cron: one task per due mailbox, consumed by this Worker (src/cron/run-mailbox-tasks.ts). */
  MAILBOX_TASKS: Queue<MailboxTask>;
  [setting: string]: unknown;
}
