import { locationDb } from "../db/database";
import { getMessage } from "../db/messages/read";
import { threadMessages } from "../db/removal-selects";
import { unlogThreadStatements } from "../db/unlogged-threads";
import { removeStep, REMOVAL_STEP_MESSAGES, type RemovalEnv } from "./remove-step";
import { sweepStorage } from "./storage-sweep";

const MAX_UNLOG_STEPS = 10;

/**
 * R28 un-log: the message and every other message of its Gmail thread leave the location (rows, attachment
 * rows, their R2 bytes), the thread's binding there ends, and a tombstone keeps every later message of the
 * thread out. The tombstone is committed first: from then on no sync batch can add a message of the thread
 * (the store checks it in its own transaction), so the removal that follows finds every row, including one
 * a sync stored a moment before. A Gmail thread holds at most 100 messages, so this ends in a step or two.
 * A message without Gmail (BCC-logged, sent through the location's provider) leaves alone. Null: no such
 * message in the location.
 */
export async function unlogMessage(
  env: RemovalEnv,
  locationId: string,
  messageId: string,
  now: number,
): Promise<{ removed: number } | null> {
  const db = await locationDb(env, locationId);
  const message = await getMessage(db, locationId, messageId);
  if (!message) return null;
  let removed = 0;
  if (message.gmailMailbox !== null && message.gmailThreadId !== null) {
    const thread = { locationId, mailbox: message.gmailMailbox, threadId: message.gmailThreadId };
    await removeStep(
      env,
      db,
      locationId,
      [],
      "unlog",
      now,
      unlogThreadStatements(locationId, thread.mailbox, thread.threadId, now),
    );
    // Bounded all the same: a CRM send may still join the thread (the tombstone keeps out synced mail only).
    for (let step = 0; step < MAX_UNLOG_STEPS; step++) {
      const page = await threadMessages(db, thread, REMOVAL_STEP_MESSAGES);
      if (page.length === 0) break;
      removed += await removeStep(env, db, locationId, page, "unlog", now);
    }
  } else {
    removed = await removeStep(
      env,
      db,
      locationId,
      [{ id: message.id, conversationId: message.conversationId }],
      "unlog",
      now,
    );
  }
  await sweepStorage(db, env.ATTACHMENTS, locationId);
  return { removed };
}
