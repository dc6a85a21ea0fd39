import type { OAuthClient } from "./state/types";

/** Where pushes for one Pub/Sub topic go, and who signs them (the subscription's push auth). */
export interface PushSubscription {
  /** projects/{project}/subscriptions/{name} */
  name: string;
  /** projects/{project}/topics/{name}: a watch must name this topic. */
  topic: string;
  endpoint: string;
  audience: string;
  serviceAccountEmail: string;
}

export interface EmulatorOptions {
  /** Time source (ms). Accounts add their own offset to it. */
  now?: () => number;
  clients?: OAuthClient[];
  subscriptions?: PushSubscription[];
  /** Gmail quota units per mailbox per minute: 6,000 for new projects, 15,000 for older ones. */
  quotaPerMinute?: number;
  /** Seconds of the per-second rate (quota ÷ 60) a mailbox may spend at once before 429s (Google: a short moving average). */
  quotaBurstSeconds?: number;
  /** Messages a mailbox may send in a rolling 24 hours before Gmail's sending-limit error. */
  dailySendLimit?: number;
  /** How long history stays readable (Google: "typically at least a week"). */
  historyRetentionMs?: number;
  /** Demo convenience for `npm start`: an unknown address typed on the consent page becomes an account. */
  autoCreateAccounts?: boolean;
  /** When set, the emulator POSTs pushes itself (npm start, bench); otherwise tests pull them. */
  pushDelivery?: { fetch: (request: Request) => Promise<Response>; intervalMs?: number };
}

export interface ResolvedOptions {
  quotaPerMinute: number;
  quotaBurstSeconds: number;
  dailySendLimit: number;
  historyRetentionMs: number;
  autoCreateAccounts: boolean;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  return {
    quotaPerMinute: options.quotaPerMinute ?? 6000,
    quotaBurstSeconds: options.quotaBurstSeconds ?? 2,
    dailySendLimit: options.dailySendLimit ?? 500,
    historyRetentionMs: options.historyRetentionMs ?? 7 * DAY_MS,
    autoCreateAccounts: options.autoCreateAccounts ?? false,
  };
}
