import type { PushSubscription, ResolvedOptions } from "../options";
import type { KeyRing } from "../oauth/keys";
import type { Outbox } from "../pubsub/outbox";
import { randomDigits, randomInt } from "../util/random";
import type { Clock } from "./clock";
import type { AccessToken, Account, AuthorizationCode, Grant, OAuthClient } from "./types";

/** Everything Google knows, in memory. One instance per emulator; tests share it, so they use unique addresses. */
export interface EmulatorState {
  options: ResolvedOptions;
  clock: Clock;
  accounts: Map<string, Account>;
  clients: Map<string, OAuthClient>;
  /** Keyed by `${email} ${clientId}`. */
  grants: Map<string, Grant>;
  codes: Map<string, AuthorizationCode>;
  accessTokens: Map<string, AccessToken>;
  /** Refresh token → grant key. */
  refreshTokens: Map<string, string>;
  subscriptions: Map<string, PushSubscription>;
  keys: KeyRing;
  outbox: Outbox;
}

export function grantKey(email: string, clientId: string): string {
  return `${email} ${clientId}`;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function findAccount(state: EmulatorState, email: string): Account | null {
  return state.accounts.get(normalizeEmail(email)) ?? null;
}

/** Creates the account, or returns the existing one: creating twice is harmless for tests sharing the emulator. */
export function createAccount(state: EmulatorState, input: { email: string; name?: string }): Account {
  const email = normalizeEmail(input.email);
  const existing = state.accounts.get(email);
  if (existing) return existing;
  const historyId = randomInt(1_000_000, 9_000_000);
  const account: Account = {
    email,
    sub: randomDigits(21),
    name: input.name ?? email.split("@")[0]!,
    clockOffsetMs: 0,
    passwordGeneration: 0,
    mailbox: {
      historyId,
      records: [],
      floor: historyId,
      messages: new Map(),
      threads: new Map(),
      hiddenFromHistory: new Set(),
    },
    watch: null,
    quotaSpent: [],
    quotaPerMinute: null,
    quotaBurstSeconds: null,
    dailySendLimit: state.options.dailySendLimit,
    sendTimes: [],
    counters: { requests: {}, units: {}, totalRequests: 0, totalUnits: 0, rateLimited: 0 },
    faults: [],
    loseNextSendAnswer: null,
    lastPushAt: null,
  };
  state.accounts.set(email, account);
  return account;
}
