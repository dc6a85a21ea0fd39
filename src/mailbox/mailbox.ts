import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config } from "../config";
import type { Env } from "../env";
import { GmailClient, type QuotaGate } from "../gmail/client";
import { AccessTokenCache } from "./access-token";
import { connectAccount, type ConnectInput, type ConnectOutcome } from "./connect-account";
import { findConnection, listConnections } from "./connections";
import { disconnectLocation } from "./disconnect";
import { lendGmailAccess, type GmailLeaseOutcome, type GmailLeaseRequest } from "./gmail-lease";
import { accessTokenFromGrant } from "./grant-use";
import type { MailboxHost } from "./mailbox-host";
import { createQuotaGate } from "./quota-gate";
import { sqlQuotaSpends } from "./quota-spends";
import { renewWatch, type RenewOutcome } from "./renew-watch";
import {
  readSendQuota,
  sendDepsFor,
  sendThroughGmail,
  SendsInFlight,
  type GmailSendCommand,
  type GmailSendOutcome,
} from "./send";
import { readProofStatus, requestReconciliation, type ProofStatus, type ReconcileRequestOutcome } from "./proof-verbs";
import { readAccount } from "./state";
import { setUnreadInGmail, type SetUnreadCommand, type SetUnreadOutcome } from "./set-unread";
import { StateLock } from "./state-lock";
import { toMailboxStatus, type MailboxStatus } from "./status";
import { migrateMailboxStorage } from "./storage-schema";
import { syncHostFor } from "./sync-host";
import type { SyncHost } from "./sync-run";
import { countParked, ensureSyncStorage } from "./sync-state";
import { notifySync, requestSync, runSyncAlarm, type NotifyOutcome } from "./sync-verbs";

export type { ConnectInput, ConnectOutcome } from "./connect-account";
export type { ProofStatus, ReconcileRequestOutcome } from "./proof-verbs";
export type { RenewOutcome } from "./renew-watch";
export type { MailboxStatus } from "./status";

/**
 * One per connected Google account, named from the normalised address (stub.ts). It serializes
 * everything that touches the mailbox: the grant and access token, the cursor, the watch, the status.
 * RPC verbs only, no fetch router; each hands its work to a sibling module (connect-account.ts,
 * disconnect.ts, renew-watch.ts, send.ts, sync-verbs.ts), lending it the object's state as a MailboxHost.
 */
export class Mailbox extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #tokens: AccessTokenCache;
  readonly #host: MailboxHost;
  #syncRuns = 0;
  /** The per-user quota pacer plugs in here (sync/quota.ts); every Gmail call waits on it. */
  protected quotaGate: QuotaGate | undefined;
  /** R15/R25: sends under way; the sync awaits `idle()` before storing what it imported. */
  protected readonly sends = new SendsInFlight();
  /** R26: the sync's state steps and the CRM's read/unread changes take turns (state-lock.ts). */
  readonly #stateLock = new StateLock();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    // No request or alarm may see the storage half-migrated, and a migration cut halfway leaves nothing.
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.transactionSync(() => {
        migrateMailboxStorage(this.#sql);
        ensureSyncStorage(this.#sql);
      });
    });
    this.quotaGate = createQuotaGate({
      limitPerMinute: () => this.#config.GMAIL_USER_QUOTA_PER_MINUTE,
      spends: sqlQuotaSpends(this.#sql),
    });
    this.#tokens = new AccessTokenCache((now) => accessTokenFromGrant(this.#host, now));
    const config = () => this.#config;
    this.#host = {
      env: this.env,
      sql: this.#sql,
      get config() {
        return config();
      },
      tokens: this.#tokens,
      gmail: (now) => this.#gmail(now),
      status: (now) => this.#status(now),
    };
  }

  /** R1/R2/R6: stores the grant, starts the watch, and keeps the cursor when the same owner reconnects. */
  async connectAccount(input: ConnectInput): Promise<ConnectOutcome> {
    return connectAccount(this.#host, input, (at) => this.requestSync(at));
  }

  /** R5 (and R4): this location stops using the mailbox; the last one out stops the watch and revokes the grant. */
  async disconnect(input: { locationId: string; userId: string; now: number }): Promise<MailboxStatus> {
    return disconnectLocation(this.#host, input);
  }

  async status(now: number = Date.now()): Promise<MailboxStatus> {
    return this.#status(now);
  }

  /** R13/R16/R25: one CRM send through Gmail, serialized here with the quota and the sync (send.ts). */
  async sendMail(command: GmailSendCommand): Promise<GmailSendOutcome> {
    // D1's connection row is a mirror that may lag a disconnect or a member's removal: this list decides.
    if (findConnection(this.#sql, command.locationId)?.userId !== command.userId) {
      return { kind: "mailbox_not_connected", mailbox: readAccount(this.#sql)?.address ?? "" };
    }
    return this.sends.run(command.messageIdHeader, () => sendThroughGmail(sendDepsFor(this.#host), command));
  }

  /** R26: the CRM marks a message read or unread; answers once Gmail has it (set-unread.ts). */
  async setUnread(command: SetUnreadCommand): Promise<SetUnreadOutcome> {
    return setUnreadInGmail(this.#host, this.#stateLock, command);
  }

  /** Gmail push (docs/api.md): recorded durably before this answers; the sync itself runs in alarm(). */
  async notify(historyId: string): Promise<NotifyOutcome> {
    return notifySync(this.#syncHost(Date.now()), this.ctx.storage, historyId);
  }

  /** R22: the cron's catch-up asks for a sync at `at`, push or no push. */
  async requestSync(at: number): Promise<"scheduled" | "not_active"> {
    return requestSync(this.#syncHost(Date.now()), this.ctx.storage, at);
  }

  /** R30: "reconcile now" (API.md): the next reconciliation starts within a minute. */
  async requestReconciliation(): Promise<ReconcileRequestOutcome> {
    return requestReconciliation(this.#syncHost(Date.now()), this.ctx.storage);
  }

  /** R30: the last reconciliation, and what the queue knows of one Gmail id (explain). */
  async proofStatus(gmailMessageId: string | null): Promise<ProofStatus> {
    return readProofStatus(this.#sql, gmailMessageId);
  }

  /** The sync (sync-run.ts): one run at a time, since alarms of one object never overlap. */
  override async alarm(): Promise<void> {
    this.#syncRuns += 1;
    try {
      await runSyncAlarm(this.#syncHost(Date.now()), this.ctx.storage);
    } finally {
      this.#syncRuns -= 1;
    }
  }

  /** True while an alarm's sync run is under way (tests wait for it to end). */
  get syncing(): boolean {
    return this.#syncRuns > 0;
  }

  /** R17, reading 12: this mailbox's access token for one Gmail call the Worker makes (gmail-lease.ts). */
  async lendGmailAccess(request: GmailLeaseRequest): Promise<GmailLeaseOutcome> {
    return lendGmailAccess({ sql: this.#sql, tokens: this.#tokens, quotaGate: this.quotaGate }, request, Date.now());
  }

  /** R3: renews the watch when due; failures back off and show in the status. Skips needs_reauth. */
  async renewWatch(now: number): Promise<RenewOutcome> {
    return renewWatch(this.#host, now);
  }

  get #config(): Config {
    return loadConfig(this.env);
  }

  #syncHost(now: number): SyncHost {
    return syncHostFor(this.#host, () => this.sends.idle(), now, this.#stateLock);
  }

  #status(now: number): MailboxStatus {
    const limit = this.#config.DAILY_SEND_LIMIT;
    const account = readAccount(this.#sql);
    return toMailboxStatus(
      account,
      account?.status === "disconnected" ? [] : listConnections(this.#sql),
      { sendQuota: readSendQuota(this.#sql, limit, now), parkedMessages: countParked(this.#sql) },
      now,
    );
  }

  /** A Gmail client acting as this mailbox; `now` drives the access token's refresh-ahead. */
  #gmail(now: number): GmailClient {
    return new GmailClient({
      baseUrl: this.#config.GMAIL_API_URL,
      accessToken: ({ forceRefresh }) => this.#tokens.get(now, forceRefresh),
      quotaGate: this.quotaGate,
      timeoutMs: this.#config.GOOGLE_TIMEOUT_MS,
    });
  }
}
