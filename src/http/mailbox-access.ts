import type { Config } from "../config";
import { getConnection } from "../db/connections";
import { locationDb } from "../db/database";
import { isMember } from "../db/members";
import type { Env } from "../env";
import { AppError } from "../errors";
import { presentMailbox } from "./present-mailbox";
import { mailboxStub } from "../mailbox/stub";
import type { MailboxView } from "./schemas/mailbox";

/**
 * One (location, user)'s mailbox as the API and the hosted settings page both show and change it: membership
 * checked first (404 otherwise), the D1 row names the address, the mailbox's DO tells its state.
 */
export async function requireMember(env: Env, locationId: string, userId: string): Promise<void> {
  if (!(await isMember(await locationDb(env, locationId), locationId, userId))) {
    throw new AppError("not_found", `User ${userId} is not a member of location ${locationId}.`);
  }
}

export async function loadMailbox(env: Env, config: Config, locationId: string, userId: string): Promise<MailboxView> {
  const connection = await getConnection(await locationDb(env, locationId), locationId, userId);
  const live = connection ? await mailboxStub(env, connection.mailboxAddress).status(Date.now()) : null;
  return presentMailbox(connection, live, { sendLimit: config.DAILY_SEND_LIMIT });
}

/** R5 for one location: stop, revoke when it was the mailbox's last location; rows kept. */
export async function disconnectMailbox(env: Env, locationId: string, userId: string): Promise<void> {
  const connection = await getConnection(await locationDb(env, locationId), locationId, userId);
  if (connection) await mailboxStub(env, connection.mailboxAddress).disconnect({ locationId, userId, now: Date.now() });
}
