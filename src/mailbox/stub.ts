import type { Env } from "../env";
import { normalizeEmail } from "../mail/address";

/** The Durable Object of one Google account: named from its normalised address, so each has exactly one. */
export function mailboxStub(env: Pick<Env, "MAILBOX">, address: string) {
  return env.MAILBOX.get(env.MAILBOX.idFromName(normalizeEmail(address)));
}
