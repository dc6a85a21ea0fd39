import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config } from "../config";
import type { Env } from "../env";
import { GmailClient, GmailError, type QuotaGate } from "../gmail/client";
import { startWatch, stopWatch } from "../gmail/watch";
import { revokeToken } from "../google/revoke";
import { log } from "../log";
import { AccessTokenCache } from "./access-token";
import { addConnection, listConnections, removeAllConnections, removeConnection } from "./connections";
import { openGrant, sealGrant, tokenKeys } from "./grant-store";
import { mirrorAccount, mirrorConnection, mirrorConnectionStatus } from "./mirror";
import { refreshWithRetries } from "./refresh-policy";
import { readAccount, updateAccount, writeAccount, type Account } from "./state";
import { toMailboxStatus, type MailboxStatus } from "./status";
import { migrateMailboxStorage } from "./storage-schema";
import { createQuotaGate } from "./quota-gate";
import { sqlQuotaSpends } from "./quota-spends";
import type { SyncHost } from "./sync-run";
import { countParked, ensureSyncStorage, resetSync } from "./sync-state";
import { notifySync, readGmailPart, requestSync, runSyncAlarm, type GmailPartOutcome, type NotifyOutcome } from "./sync-verbs";
import { compareHistoryIds } from "../sync/history-fold";
import { readSendQuota, sendThroughGmail, SendsInFlight, type GmailSendCommand, type GmailSendOutcome } from "./send";
import { decideWatchRenewal, watchRetryDelayMs, WATCH_FAILURES_VISIBLE } from "./watch-renewal";

export type { MailboxStatus } from "./status";

/** What the OAuth callback hands over once Google's answer is verified (secrets stay inside the DO). */
export interface ConnectInput {
  address: string;
  userId: string;
  locationId: string;
  refreshToken: string;
  accessToken: string;
  accessExpiresInSec: number;
  scopes: string;
  now: number;
}

export type ConnectOutcome =
  | { ok: true; resumed: boolean; status: MailboxStatus }
  | { ok: false; reason: "mailbox_taken" | "google_error" };

export type RenewOutcome = { result: "renewed" | "not_due" | "backing_off" | "not_active" | "failed"; status: MailboxStatus };

/**
 * One per connected Google account, named from the normalised address (stub.ts). It serializes
 * everything that touches the mailbox: the grant and access token, the cursor, the watch, the status.
 * RPC verbs only, no fetch router; each loads state, calls pure code, persists, mirrors to D1.
 * Sync (notify/alarm) and sends build on `#gmail()`, `updateAccount()` and the status below.
 */
export class Mailbox extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #tokens: AccessTokenCache;
  #syncRuns = 0;
  /** The per-user quota pacer plugs in here (sync/quota.ts); every Gmail call waits on it. */
  protected quotaGate: QuotaGate | undefined;
  /** R15/R25: sends under way; the sync awaits `idle()` before storing what it imported. */
  protected readonly sends = new SendsInFlight();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    migrateMailboxStorage(this.#sql);
    ensureSyncStorage(this.#sql);
    this.quotaGate = createQuotaGate({ limitPerMinute: () => this.#config.GMAIL_USER_QUOTA_PER_MINUTE, spends: sqlQuotaSpends(this.#sql) });
    this.#tokens = new AccessTokenCache((now) => this.#refreshAccessToken(now));
  }

  /** R1/R2/R6: stores the grant, starts the watch, and keeps the cursor when the same owner reconnects. */
  async connectAccount(input: ConnectInput): Promise<ConnectOutcome> {
    if (this.#takenBySomeoneElse(input.userId)) return { ok: false, reason: "mailbox_taken" };
    const sealed = await sealGrant(tokenKeys(this.#config), input.address, input.refreshToken);
    const fresh = new GmailClient({
      baseUrl: this.#config.GMAIL_API_URL,
      accessToken: async () => input.accessToken,
      timeoutMs: this.#config.GOOGLE_TIMEOUT_MS,
    });
    let watch;
    try {
      watch = await startWatch(fresh, this.#config.PUBSUB_TOPIC);
    } catch (error) {
      log.warn("mailbox_watch_start_failed", { address: input.address, error });
      return { ok: false, reason: "google_error" };
    }
    // Checked again: another connect may have run while the watch call was out.
    if (this.#takenBySomeoneElse(input.userId)) return { ok: false, reason: "mailbox_taken" };
    const before = readAccount(this.#sql);
    const resumed = before !== null && before.status !== "disconnected" && before.historyId !== null;
    if (!resumed) {
      removeAllConnections(this.#sql);
      // R2: a fresh start point; whatever an earlier connection left queued is not synced.
      resetSync(this.#sql);
    }
    const account: Account = {
      address: input.address,
      ownerUserId: input.userId,
      status: "active",
      grant: sealed,
      scopes: input.scopes,
      connectedAt: resumed ? before.connectedAt : input.now,
      // R2: a new connection starts where the watch started; R6: a reconnect resumes from the saved cursor.
      historyId: resumed ? before.historyId : watch.historyId,
      watchExpiresAt: watch.expiration,
      watchRenewedAt: input.now,
      watchFailures: 0,
      watchNextAttemptAt: null,
      watchError: null,
      lastSyncedAt: resumed ? before.lastSyncedAt : null,
      reauthReason: null,
      updatedAt: input.now,
    };
    writeAccount(this.#sql, account);
    const connection = addConnection(this.#sql, { locationId: input.locationId, userId: input.userId, connectedAt: input.now });
    this.#tokens.seed({ token: input.accessToken, expiresAt: input.now + input.accessExpiresInSec * 1000 });
    await mirrorAccount(this.env, account);
    await mirrorConnection(this.env, account, connection, input.now);
    await mirrorConnectionStatus(this.env, account.address, listConnections(this.#sql), "active", input.now);
    log.info("mailbox_connected", { address: account.address, locationId: input.locationId, resumed });
    // R6: what arrived while paused is caught up from the saved cursor now, not at the next push.
    if (resumed) await this.requestSync(input.now);
    return { ok: true, resumed, status: this.#status(input.now) };
  }

  /**
   * R5 (and R4, when another account replaced this one in a location): this location stops using the
   * mailbox. When no location is left, the watch stops, the grant is revoked and forgotten. Synced rows stay.
   */
  async disconnect(input: { locationId: string; userId: string; now: number }): Promise<MailboxStatus> {
    const account = readAccount(this.#sql);
    if (!account || account.ownerUserId !== input.userId) return this.#status(input.now);
    removeConnection(this.#sql, input.locationId);
    await mirrorConnectionStatus(this.env, account.address, [input], "disconnected", input.now);
    if (listConnections(this.#sql).length === 0 && account.status !== "disconnected") await this.#shutDown(input.now);
    return this.#status(input.now);
  }

  async status(now: number = Date.now()): Promise<MailboxStatus> {
    return this.#status(now);
  }

  /** R13/R16/R25: one CRM send through Gmail, serialized here with the quota and the sync (send.ts). */
  async sendMail(command: GmailSendCommand): Promise<GmailSendOutcome> {
    return this.sends.run(command.messageIdHeader, () => {
      const now = Date.now();
      const account = readAccount(this.#sql);
      return sendThroughGmail(
        {
          env: this.env,
          sql: this.#sql,
          mailbox: account?.address ?? "",
          status: account?.status ?? "not_connected",
          limit: this.#config.DAILY_SEND_LIMIT,
          gmail: this.#gmail(now),
          locationIds: () => listConnections(this.#sql).map((c) => c.locationId),
          markNeedsReauth: async (reason) => {
            if (account) await this.#markNeedsReauth(account, reason, Date.now());
          },
          now: Date.now,
        },
        command,
      );
    });
  }

  /** Gmail push (API.md): recorded durably before this answers; the sync itself runs in alarm(). */
  async notify(historyId: string): Promise<NotifyOutcome> {
    return notifySync(this.#syncHost(Date.now()), this.ctx.storage, historyId);
  }

  /** R22: the cron's catch-up asks for a sync at `at`, push or no push. */
  async requestSync(at: number): Promise<"scheduled" | "not_active"> {
    return requestSync(this.#syncHost(Date.now()), this.ctx.storage, at);
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

  /** R17: the bytes of one part of a synced Gmail message, read through Gmail on demand. */
  async readGmailPart(input: { gmailMessageId: string; partId: string }): Promise<GmailPartOutcome> {
    const account = readAccount(this.#sql);
    if (!account || account.status !== "active") return { ok: false, reason: "not_active" };
    return readGmailPart(this.#gmail(Date.now()), input.gmailMessageId, input.partId);
  }

  #syncHost(now: number): SyncHost {
    // The grant this run uses: a verdict about it must not pause a grant a reconnect stores meanwhile.
    const used = readAccount(this.#sql);
    return {
      env: this.env,
      sql: this.#sql,
      mailbox: readAccount(this.#sql)?.address ?? "",
      client: this.#gmail(now),
      account: () => readAccount(this.#sql),
      connections: () => listConnections(this.#sql).map((c) => ({ locationId: c.locationId, userId: c.userId })),
      beforeStore: () => this.sends.idle(),
      markNeedsReauth: async (reason) => {
        if (used) await this.#markNeedsReauth(used, reason, Date.now());
      },
      completeSync: async (historyId, at) => {
        const current = readAccount(this.#sql);
        if (!current) return;
        // Never backwards: a reconnect may have set a newer start point while the run was out.
        const cursor = current.historyId !== null && compareHistoryIds(current.historyId, historyId) > 0 ? current.historyId : historyId;
        const next = updateAccount(this.#sql, { historyId: cursor, lastSyncedAt: at, updatedAt: at });
        if (next) await mirrorAccount(this.env, next);
      },
      now: Date.now,
      random: Math.random,
    };
  }

  /** R3: renews the watch when due; failures back off and show in the status. Skips needs_reauth. */
  async renewWatch(now: number): Promise<RenewOutcome> {
    const account = readAccount(this.#sql);
    if (!account || account.status !== "active") return { result: "not_active", status: this.#status(now) };
    const decision = decideWatchRenewal(account, now);
    if (decision !== "renew") return { result: decision, status: this.#status(now) };
    try {
      const watch = await startWatch(this.#gmail(now), this.#config.PUBSUB_TOPIC);
      // The cursor is not touched: it moves only with the messages it covers (R22).
      const next = updateAccount(this.#sql, {
        watchExpiresAt: watch.expiration,
        watchRenewedAt: now,
        watchFailures: 0,
        watchNextAttemptAt: null,
        watchError: null,
        updatedAt: now,
      });
      if (next) await mirrorAccount(this.env, next);
      return { result: "renewed", status: this.#status(now) };
    } catch (error) {
      // invalid_grant on the way (R6) is no renewal failure: the mailbox is paused, nothing to renew.
      if (readAccount(this.#sql)?.status !== "active") return { result: "not_active", status: this.#status(now) };
      await this.#recordWatchFailure(error, now);
      return { result: "failed", status: this.#status(now) };
    }
  }

  get #config(): Config {
    return loadConfig(this.env);
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

  #takenBySomeoneElse(userId: string): boolean {
    const account = readAccount(this.#sql);
    return account !== null && account.ownerUserId !== userId && account.status !== "disconnected";
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

  async #refreshAccessToken(now: number): Promise<{ token: string; expiresAt: number }> {
    const account = readAccount(this.#sql);
    if (!account || account.status !== "active" || !account.grant) throw notUsable(account?.status ?? "not_connected");
    const opened = await openGrant(tokenKeys(this.#config), account.address, account.grant);
    if (!opened.ok) {
      // Without a readable grant nothing works until the user connects again (R6).
      await this.#markNeedsReauth(account, `grant_${opened.reason}`, now);
      throw notUsable("needs_reauth");
    }
    if (opened.resealed) updateAccount(this.#sql, { grant: opened.resealed });
    const refreshed = await refreshWithRetries(this.#config, opened.refreshToken);
    if (refreshed.ok) return { token: refreshed.accessToken, expiresAt: now + refreshed.expiresInSec * 1000 };
    if (refreshed.failure.kind === "auth_revoked") await this.#markNeedsReauth(account, refreshed.failure.reason ?? "invalid_grant", now);
    throw new GmailError(refreshed.failure, refreshed.retryAfter, "refresh access token");
  }

  /**
   * R6: invalid_grant from any call (or another auth_revoked verdict, e.g. 403 domainPolicy during the
   * sync) pauses the mailbox at once; only a reconnect makes it active again.
   */
  async #markNeedsReauth(used: Account, reason: string, now: number): Promise<void> {
    const current = readAccount(this.#sql);
    // A reconnect may have stored a new grant while the refresh was out: its verdict is not about that one.
    if (!current || current.status !== "active" || current.grant?.ciphertext !== used.grant?.ciphertext) return;
    const next = updateAccount(this.#sql, { status: "needs_reauth", reauthReason: reason, updatedAt: now });
    this.#tokens.clear();
    log.warn("mailbox_needs_reauth", { address: current.address, reason });
    if (next) await mirrorAccount(this.env, next);
    await mirrorConnectionStatus(this.env, current.address, listConnections(this.#sql), "needs_reauth", now);
  }

  async #recordWatchFailure(error: unknown, now: number): Promise<void> {
    const account = readAccount(this.#sql);
    if (!account || account.status !== "active") return;
    const failures = account.watchFailures + 1;
    const reason = error instanceof GmailError ? `${error.kind}:${error.reason ?? error.status ?? "unknown"}` : "unexpected";
    updateAccount(this.#sql, { watchFailures: failures, watchNextAttemptAt: now + watchRetryDelayMs(failures), watchError: reason, updatedAt: now });
    const fields = { address: account.address, failures, reason, watchExpiresAt: account.watchExpiresAt };
    if (failures >= WATCH_FAILURES_VISIBLE) log.error("watch_renewal_failing", fields);
    else log.warn("watch_renewal_failed", fields);
  }

  /** Stops the watch and revokes the grant (both best effort: the grant is forgotten whatever Google says). */
  async #shutDown(now: number): Promise<void> {
    const account = readAccount(this.#sql);
    if (!account) return;
    const opened = account.grant ? await openGrant(tokenKeys(this.#config), account.address, account.grant) : null;
    if (account.status === "active") {
      await stopWatch(this.#gmail(now)).catch((error: unknown) => log.warn("watch_stop_failed", { address: account.address, error }));
    }
    if (opened?.ok) {
      const revoked = await revokeToken(this.#config, opened.refreshToken);
      if (!revoked.ok) log.warn("grant_revoke_failed", { address: account.address, status: revoked.status });
    }
    // A reconnect during the calls above stored a new grant and a new connection: leave those alone.
    const current = readAccount(this.#sql);
    if (!current || current.grant?.ciphertext !== account.grant?.ciphertext || listConnections(this.#sql).length > 0) return;
    const next = updateAccount(this.#sql, { status: "disconnected", grant: null, watchExpiresAt: null, watchNextAttemptAt: null, updatedAt: now });
    this.#tokens.clear();
    if (next) await mirrorAccount(this.env, next);
    log.info("mailbox_disconnected", { address: account.address });
  }
}

function notUsable(reason: string): GmailError {
  return new GmailError({ kind: "auth_revoked", status: null, reason, retryAt: null }, null, "access token");
}
