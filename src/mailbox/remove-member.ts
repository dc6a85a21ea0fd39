import { and, eq } from "drizzle-orm";
import { getConnection } from "../db/connections";
import { locationDb } from "../db/database";
import { isMember } from "../db/members";
import { runBatch } from "../db/run-batch";
import { members } from "../db/schema";
import type { Env } from "../env";
import { recordEvent } from "../events/outbox";
import { relayEvents } from "../events/relay";
import { mailboxStub } from "./stub";

/**
 * Reading 10 (R5/R23): a user removed from a location loses their connection there exactly as by a
 * disconnect: the mailbox object lets go of the location first (from then on nothing of the mailbox syncs
 * into it; the last location out stops the watch and revokes the grant), then the membership row goes with
 * its `mailbox.status_changed` event in one batch (R29). What was synced stays; other locations are
 * untouched. False when the user was not a member.
 */
export async function removeMemberFromLocation(
  env: Env,
  locationId: string,
  userId: string,
  now: number,
): Promise<boolean> {
  const db = await locationDb(env, locationId);
  if (!(await isMember(db, locationId, userId))) return false;
  const connection = await getConnection(db, locationId, userId);
  const ending = connection !== undefined && connection.status !== "disconnected";
  // The object first: a failure here leaves the membership in place, so the same DELETE can be retried.
  if (ending) await mailboxStub(env, connection.mailboxAddress).disconnect({ locationId, userId, now });
  const removal = db
    .delete(members)
    .where(and(eq(members.locationId, locationId), eq(members.userId, userId)))
    .getSQL();
  const event = ending
    ? recordEvent(
        {
          type: "mailbox.status_changed",
          locationId,
          data: { userId, emailAddress: connection.mailboxAddress, status: "disconnected", reason: "member_removed" },
        },
        now,
      )
    : null;
  await runBatch(db, [removal, ...(event?.statements ?? [])]);
  if (event) await relayEvents(env, db, locationId, event.eventIds, now);
  return true;
}
