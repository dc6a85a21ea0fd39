import type { Mailbox } from "./mailbox/mailbox";

/** The Worker's bindings as wrangler.toml declares them; plain settings are read only through config.ts. */
export interface Env {
  DB: D1Database;
  MAILBOX: DurableObjectNamespace<Mailbox>;
  ATTACHMENTS: R2Bucket;
  EMAIL: SendEmail;
  [setting: string]: unknown;
}
