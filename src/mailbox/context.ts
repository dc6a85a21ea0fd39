import { loadConfig, type Config } from "../config";
import type { Env } from "../env";
import { GmailClient, type QuotaGate } from "../gmail/client";
import type { QuotaSpend } from "../sync/quota";
import type { AccessTokenCache } from "./access-token";
import { listConnections } from "./connections";
import type { ActiveConnection } from "./load-routing";
import { sqlQuotaSpends } from "./quota-spends";
import { readAccount, type Account } from "./state";
import type { StateLock } from "./state-lock";

/** What the Mailbox object holds for its whole life, the same for every verb (mailbox.ts builds it once). */
export interface MailboxParts {
  readonly env: Env;
  readonly storage: DurableObjectStorage;
  readonly tokens: AccessTokenCache;
  readonly quotaGate: QuotaGate;
  /** R26: the sync's state steps and the CRM's read/unread changes take turns (state-lock.ts). */
  readonly stateLock: StateLock;
  /** R15: resolves once no CRM send is under way (send.ts SendsInFlight). */
  sendsIdle(): Promise<void>;
}

/**
 * What the Mailbox Durable Object lends one verb (connect, disconnect, watch renewal, send, read/unread, sync,
 * reconciliation), opened when the verb starts. `account` is the row as it was then: a verdict about its grant
 * (R6) must not touch a grant a reconnect stored meanwhile. Whatever may change while the verb awaits (the
 * account's cursor and status, the connections) is read again from `sql` where it matters.
 */
export interface MailboxContext extends MailboxParts {
  readonly sql: SqlStorage;
  readonly config: Config;
  /** The account as stored when the verb started; null before the first connect. */
  readonly account: Account | null;
  /** The mailbox's address ("" before the first connect). */
  readonly mailbox: string;
  /** Gmail acting as this mailbox, paced by its quota gate; the access token refreshes ahead of `startedAt`. */
  readonly gmail: GmailClient;
  /** The quota pacer's window and limit: background work (R30's reconciliation) takes only a share of it. */
  readonly quota: { live(now: number): QuotaSpend[]; limitPerMinute: number };
  /** The locations where the mailbox is connected now (read again at every call: a disconnect may land mid-verb). */
  connections(): ActiveConnection[];
  /** Runs `write` as one SQLite transaction: all of it or nothing. No await inside (transactionSync). */
  transaction<T>(write: () => T): T;
  now(): number;
  random(): number;
}

/** Opens the context of one verb starting at `startedAt`. */
export function openContext(parts: MailboxParts, startedAt: number): MailboxContext {
  const sql = parts.storage.sql;
  const config = loadConfig(parts.env);
  const account = readAccount(sql);
  return {
    ...partsOf(parts),
    sql,
    config,
    account,
    mailbox: account?.address ?? "",
    gmail: new GmailClient({
      baseUrl: config.GMAIL_API_URL,
      accessToken: ({ forceRefresh }) => parts.tokens.get(startedAt, forceRefresh),
      quotaGate: parts.quotaGate,
      timeoutMs: config.GOOGLE_TIMEOUT_MS,
    }),
    quota: { live: sqlQuotaSpends(parts.storage).live, limitPerMinute: config.GMAIL_USER_QUOTA_PER_MINUTE },
    connections: () => listConnections(sql).map((c) => ({ locationId: c.locationId, userId: c.userId })),
    transaction: (write) => parts.storage.transactionSync(write),
    now: Date.now,
    random: Math.random,
  };
}

/** The parts by name: spreading `parts` itself would drop getters and bound methods of a class instance. */
function partsOf(parts: MailboxParts): MailboxParts {
  return {
    env: parts.env,
    storage: parts.storage,
    tokens: parts.tokens,
    quotaGate: parts.quotaGate,
    stateLock: parts.stateLock,
    sendsIdle: () => parts.sendsIdle(),
  };
}
