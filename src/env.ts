import type { DeliveryJob } from "./events/types";
import type { Mailbox } from "./mailbox/mailbox";
import type { ErasureContinuation } from "./privacy/queue-message";

/** The Worker's bindings as wrangler.toml declares them; plain settings are read only through config.ts. */
export interface Env {
  DB: D1Database;
  MAILBOX: DurableObjectNamespace<Mailbox>;
  ATTACHMENTS: R2Bucket;
  EMAIL: SendEmail;
  /** R29: one message per (event, endpoint) delivery attempt; this Worker is also its consumer. */
  EVENTS_QUEUE: Queue<DeliveryJob>;
  /** R28: erasures that continue beyond the invocation that started them. */
  PRIVACY_QUEUE: Queue<ErasureContinuation>;
  [setting: string]: unknown;
}
