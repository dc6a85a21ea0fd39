import type { Config } from "../config";
import { listConnections } from "./connections";
import { readSendQuota } from "./send";
import { readAccount } from "./state";
import { toMailboxStatus, type MailboxStatus } from "./status";
import { countParked } from "./sync-state";

/** The mailbox's live status (docs/api.md) as its storage says it now. */
export function readMailboxStatus(context: { sql: SqlStorage; config: Config }, now: number): MailboxStatus {
  const { sql } = context;
  const account = readAccount(sql);
  return toMailboxStatus(
    account,
    account?.status === "disconnected" ? [] : listConnections(sql),
    { sendQuota: readSendQuota(sql, context.config.DAILY_SEND_LIMIT, now), parkedMessages: countParked(sql) },
    now,
  );
}
