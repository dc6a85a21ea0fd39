import type { Config } from "../config";
import type { Env } from "../env";
import type { GmailClient } from "../gmail/client";
import type { AccessTokenCache } from "./access-token";
import type { MailboxStatus } from "./status";

/**
 * What the Mailbox Durable Object lends the verbs kept out of mailbox.ts (connect, disconnect, watch
 * renewal, use of the grant): its storage, its settings, its access-token cache and the helpers they share.
 */
export interface MailboxHost {
  readonly env: Env;
  readonly sql: SqlStorage;
  readonly config: Config;
  readonly tokens: AccessTokenCache;
  /** A Gmail client acting as this mailbox; `now` drives the access token's refresh-ahead. */
  gmail(now: number): GmailClient;
  status(now: number): MailboxStatus;
}
