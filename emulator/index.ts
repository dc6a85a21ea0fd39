import { buildApp } from "./app";
import { createKeyRing } from "./oauth/keys";
import { resolveOptions, type EmulatorOptions, type PushSubscription } from "./options";
import { Outbox } from "./pubsub/outbox";
import { startDeliverer } from "./pubsub/deliverer";
import { createClock } from "./state/clock";
import { findAccount, type EmulatorState } from "./state/store";

export type { EmulatorOptions, PushSubscription } from "./options";
export type { OAuthClient } from "./state/types";

export interface GoogleEmulator {
  /** Serves Google's endpoints and the control API (/__emulator/…). Any host name works. */
  fetch(request: Request): Promise<Response>;
  /** Stops the push loop, if one runs. */
  close(): void;
  /** The in-memory state, for the emulator's own unit tests. */
  readonly state: EmulatorState;
}

/**
 * A faithful Google (OAuth 2.0, Gmail v1, Pub/Sub push) in one fetch handler, on Web APIs only so the same
 * code runs inside vitest's Node process (as miniflare's outboundService) and under `npm start`.
 */
export function createGoogleEmulator(options: EmulatorOptions = {}): GoogleEmulator {
  const clock = createClock(options.now);
  const keys = createKeyRing();
  const subscriptions = new Map<string, PushSubscription>((options.subscriptions ?? []).map((s) => [s.name, s]));
  const state: EmulatorState = {
    options: resolveOptions(options),
    clock,
    accounts: new Map(),
    clients: new Map((options.clients ?? []).map((c) => [c.clientId, c])),
    grants: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    subscriptions,
    keys,
    outbox: new Outbox({
      keys,
      nowFor: (email) => {
        const account = findAccount(state, email);
        return account ? clock.of(account) : clock.base();
      },
      subscriptionsFor: (topic) => [...subscriptions.values()].filter((s) => s.topic === topic),
    }),
  };
  const app = buildApp(state);
  const stop = options.pushDelivery
    ? startDeliverer(state.outbox, options.pushDelivery.fetch, options.pushDelivery.intervalMs)
    : () => {};
  return {
    fetch: async (request) => app.fetch(request),
    close: stop,
    state,
  };
}
