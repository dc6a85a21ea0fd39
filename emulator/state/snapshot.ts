import { parseMime } from "../mime/parse";
import type { OutboxEntrySnapshot } from "../pubsub/outbox";
import { fromBase64, toBase64 } from "../util/base64";
import { grantKey, type EmulatorState } from "./store";
import type { AccessToken, Account, Grant, StoredMessage } from "./types";

/**
 * The emulator's state as plain JSON, so that `npm start` keeps its Google across restarts (accounts, mail,
 * history, grants, tokens, pushes not yet delivered). Test faults, authorization codes and the signing keys
 * are left out: codes live a minute, and a new signing key is what Google's rotation looks like anyway.
 * Every Map and Set of the state is written as an array here: a new one must be added below too (the
 * snapshot test reads history, messages and tokens back through Google's endpoints to catch a miss).
 */
export interface EmulatorSnapshot {
  version: 1;
  accounts: AccountSnapshot[];
  grants: GrantSnapshot[];
  accessTokens: AccessToken[];
  outbox: OutboxEntrySnapshot[];
}

type MessageSnapshot = Omit<StoredMessage, "raw" | "mime"> & { raw: string };
type AccountSnapshot = Omit<Account, "mailbox" | "faults" | "loseNextSendAnswer"> & {
  mailbox: Omit<Account["mailbox"], "messages" | "threads" | "hiddenFromHistory"> & {
    messages: MessageSnapshot[];
    threads: Array<[string, string[]]>;
    hiddenFromHistory: string[];
  };
};
type GrantSnapshot = Omit<Grant, "refreshTokens"> & { refreshTokens: string[] };

export function takeSnapshot(state: EmulatorState): EmulatorSnapshot {
  return {
    version: 1,
    accounts: [...state.accounts.values()].map(
      ({ faults: _faults, loseNextSendAnswer: _lose, mailbox, ...account }) => ({
        ...account,
        mailbox: {
          ...mailbox,
          messages: [...mailbox.messages.values()].map(({ mime: _mime, raw, ...message }) => ({
            ...message,
            raw: toBase64(raw),
          })),
          threads: [...mailbox.threads],
          hiddenFromHistory: [...mailbox.hiddenFromHistory],
        },
      }),
    ),
    grants: [...state.grants.values()].map((grant) => ({ ...grant, refreshTokens: [...grant.refreshTokens] })),
    accessTokens: [...state.accessTokens.values()],
    outbox: state.outbox.snapshot(),
  };
}

/** Loads a snapshot into a fresh emulator's state (before it serves anything). */
export function restoreSnapshot(state: EmulatorState, snapshot: EmulatorSnapshot): void {
  if (snapshot.version !== 1) throw new Error(`unknown emulator snapshot version ${String(snapshot.version)}`);
  for (const { mailbox, ...account } of snapshot.accounts) {
    const messages = new Map<string, StoredMessage>();
    for (const { raw, ...message } of mailbox.messages) {
      const bytes = fromBase64(raw) ?? new Uint8Array();
      messages.set(message.id, { ...message, raw: bytes, mime: parseMime(bytes) });
    }
    const restored: Account = {
      ...account,
      mailbox: {
        ...mailbox,
        messages,
        threads: new Map(mailbox.threads),
        hiddenFromHistory: new Set(mailbox.hiddenFromHistory),
      },
      faults: [],
      loseNextSendAnswer: null,
    };
    state.accounts.set(restored.email, restored);
  }
  for (const grant of snapshot.grants) {
    const key = grantKey(grant.email, grant.clientId);
    state.grants.set(key, { ...grant, refreshTokens: new Set(grant.refreshTokens) });
    for (const token of grant.refreshTokens) state.refreshTokens.set(token, key);
  }
  for (const token of snapshot.accessTokens) state.accessTokens.set(token.token, token);
  state.outbox.restore(snapshot.outbox, (name) => state.subscriptions.get(name) ?? null);
}
