import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../config";
import type { Env } from "../env";
import { err, type Result } from "../util/result";
import { AccessTokenCache } from "./access-token";
import { connectAccount, type ConnectInput, type ConnectOutcome } from "./connect-account";
import { findConnection } from "./connections";
import { openContext, type MailboxContext, type MailboxParts } from "./context";
import { disconnectLocation } from "./disconnect";
import { lendGmailAccess, type GmailLeaseOutcome, type GmailLeaseRequest } from "./gmail-lease";
import { accessTokenFromGrant } from "./grant-use";
import { createQuotaGate } from "./quota-gate";
import { sqlQuotaSpends } from "./quota-spends";
import { readMailboxStatus } from "./read-status";
import { renewWatch, type RenewOutcome } from "./renew-watch";
import { sendThroughGmail, SendsInFlight, type GmailSendCommand, type GmailSendOutcome } from "./send";
import { readProofStatus, requestReconciliation, type ProofStatus, type ReconcileRequestOutcome } from "./proof-verbs";
import { readAccount } from "./state";
import { setUnreadInGmail, type SetUnreadCommand, type SetUnreadOutcome } from "./set-unread";
import { StateLock } from "./state-lock";
import type { MailboxStatus } from "./status";
import { migrateMailboxStorage } from "./storage-schema";
import { notifySync, requestSync, runSyncAlarm, type NotifyOutcome } from "./sync-verbs";

export type { ConnectInput, ConnectOutcome } from "./connect-account";
export type { ProofStatus, ReconcileRequestOutcome } from "./proof-verbs";
export type { RenewOutcome } from "./renew-watch";
export type { MailboxStatus } from "./status";

/**
 * One per connected Google account, named from the normalised address (stub.ts). It serializes
 * everything that touches the mailbox: the grant and access token, the cursor, the watch, the status.
 * RPC verbs only, no fetch router; each hands its work to a sibling module (connect-account.ts,
 * disconnect.ts, renew-watch.ts, send.ts, sync-verbs.ts…), lending it a MailboxContext (context.ts) opened
 * when the verb starts.
 */
export class Mailbox extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #parts: MailboxParts;
  /** R15/R25: sends under way; the sync awaits `idle()` before storing what it imported. */
  readonly #sends = new SendsInFlight();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    // No request or alarm may see the storage half-migrated, and a migration cut halfway leaves nothing.
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.transactionSync(() => migrateMailboxStorage(this.#sql));
    });
    const sends = this.#sends;
    this.#parts = {
      env,
      storage: ctx.storage,
      // Every Gmail call of this mailbox waits on its per-user quota pacer (sync/quota.ts).
      quotaGate: createQuotaGate({
        limitPerMinute: () => loadConfig(env).GMAIL_USER_QUOTA_PER_MINUTE,
        spends: sqlQuotaSpends(ctx.storage),
      }),
      tokens: new AccessTokenCache((now) => accessTokenFromGrant(this.#context(now), now)),
      stateLock: new StateLock(),
      sendsIdle: () => sends.idle(),
    };
  }

  /** R1/R2/R6: stores the grant, starts the watch, and keeps the cursor when the same owner reconnects. */
  async connectAccount(input: ConnectInput): Promise<ConnectOutcome> {
    return connectAccount(this.#context(input.now), input, (at) => this.requestSync(at));
  }

  /** R5 (and R4): this location stops using the mailbox; the last one out stops the watch and revokes the grant. */
  async disconnect(input: { locationId: string; userId: string; now: number }): Promise<MailboxStatus> {
    return disconnectLocation(this.#context(input.now), input);
  }

  async status(now: number = Date.now()): Promise<MailboxStatus> {
    return readMailboxStatus({ sql: this.#sql, config: loadConfig(this.env) }, now);
  }

  /** R13/R16/R25: one CRM send through Gmail, serialized here with the quota and the sync (send.ts). */
  async sendMail(command: GmailSendCommand): Promise<GmailSendOutcome> {
    // D1's connection row is a mirror that may lag a disconnect or a member's removal: this list decides.
    if (findConnection(this.#sql, command.locationId)?.userId !== command.userId) {
      return err({ kind: "mailbox_not_connected", mailbox: readAccount(this.#sql)?.address ?? "" });
    }
    // The context is opened inside run(): the send sees the account as it is when it starts.
    return this.#sends.run(command.messageIdHeader, () => sendThroughGmail(this.#context(Date.now()), command));
  }

  /** R26: the CRM marks a message read or unread; answers once Gmail has it (set-unread.ts). */
  async setUnread(command: SetUnreadCommand): Promise<SetUnreadOutcome> {
    return setUnreadInGmail(this.#context(Date.now()), command);
  }

  /** Gmail push (docs/api.md): recorded durably before this answers; the sync itself runs in alarm(). */
  async notify(historyId: string): Promise<NotifyOutcome> {
    return notifySync(this.#context(Date.now()), historyId);
  }

  /** R22: the cron's catch-up asks for a sync at `at`, push or no push. */
  async requestSync(at: number): Promise<Result<null, "not_active">> {
    return requestSync(this.#context(Date.now()), at);
  }

  /** R30: "reconcile now" (API.md): the next reconciliation starts within a minute. */
  async requestReconciliation(): Promise<ReconcileRequestOutcome> {
    return requestReconciliation(this.#context(Date.now()));
  }

  /** R30: the last reconciliation, and what the queue knows of one Gmail id (explain). */
  async proofStatus(gmailMessageId: string | null): Promise<ProofStatus> {
    return readProofStatus(this.#sql, gmailMessageId);
  }

  /** The sync (sync-run.ts): one run at a time, since alarms of one object never overlap. */
  override async alarm(): Promise<void> {
    await runSyncAlarm(this.#context(Date.now()));
  }

  /** R17, reading 12: this mailbox's access token for one Gmail call the Worker makes (gmail-lease.ts). */
  async lendGmailAccess(request: GmailLeaseRequest): Promise<GmailLeaseOutcome> {
    return lendGmailAccess(this.#context(Date.now()), request);
  }

  /** R3: renews the watch when due; failures back off and show in the status. Skips needs_reauth. */
  async renewWatch(now: number): Promise<RenewOutcome> {
    return renewWatch(this.#context(now), now);
  }

  /** The context of one verb starting at `now` (context.ts). */
  #context(now: number): MailboxContext {
    return openContext(this.#parts, now);
  }
}
