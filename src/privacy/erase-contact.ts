import { getContact } from "../db/contacts";
import { locationDb } from "../db/database";
import {
  countErasureStep,
  findContactConversationId,
  finishErasure,
  getErasure,
  startErasureStatements,
} from "../db/erasures";
import { forgetContactEvents, redactContactAnswers } from "../db/message-removal";
import { conversationMessages } from "../db/removal-selects";
import type { Env } from "../env";
import type { ErasureContinuation } from "./queue-message";
import { removeStep, REMOVAL_STEP_MESSAGES } from "./remove-step";
import { sweepStorage } from "./storage-sweep";

/** Removal steps one invocation (request or queue message) runs before handing the rest to the queue. */
export const ERASURE_STEPS_PER_INVOCATION = 5;

type ErasureEnv = Env;

/**
 * R28 erasure of a contact. The first batch removes the contact and its conversation (every id of theirs
 * answers 404 from then on), redacts the idempotent answers that showed their messages and removes their
 * earlier events from the event log with their deliveries (nothing of theirs can be read back or replayed;
 * the message.deleted events of the erasure itself come after and stay, ids only); the messages,
 * attachment rows and R2 bytes then go in bounded steps, ERASURE_STEPS_PER_INVOCATION per invocation, the
 * rest through the privacy queue (resumable: each step takes what is left, progress is in `erasures`).
 * "not_found": no such contact, and no erasure of that id under way.
 */
export async function eraseContact(
  env: ErasureEnv,
  locationId: string,
  contactId: string,
  now: number,
): Promise<"erasing" | "not_found"> {
  const db = await locationDb(env, locationId);
  const contact = await getContact(db, locationId, contactId);
  if (contact) {
    const conversationId = await findContactConversationId(db, locationId, contactId);
    const start = startErasureStatements({ locationId, contactId, conversationId }, now);
    const forget = [
      redactContactAnswers(locationId, contactId),
      ...forgetContactEvents(locationId, contactId, conversationId),
    ];
    await removeStep(env, db, locationId, [], "erasure", now, [...start, ...forget]);
  } else {
    // A repeat while a large erasure is under way finishes it; after that the id is simply gone.
    const job = await getErasure(db, locationId, contactId);
    if (!job || job.status === "done") return "not_found";
  }
  await continueErasure(env, { kind: "erasure", locationId, contactId }, now);
  return "erasing";
}

/** Runs the next steps of an erasure; queues a continuation when messages remain. */
export async function continueErasure(
  env: ErasureEnv,
  job: ErasureContinuation,
  now: number,
): Promise<"done" | "queued"> {
  const { locationId, contactId } = job;
  const db = await locationDb(env, locationId);
  const erasure = await getErasure(db, locationId, contactId);
  if (!erasure || erasure.status === "done") return "done";
  let finished = erasure.conversationId === null;
  for (let step = 0; step < ERASURE_STEPS_PER_INVOCATION && !finished; step++) {
    const page = await conversationMessages(db, locationId, erasure.conversationId ?? "", REMOVAL_STEP_MESSAGES);
    if (page.length === 0) finished = true;
    else
      await removeStep(env, db, locationId, page, "erasure", now, [
        countErasureStep(locationId, contactId, page.length),
      ]);
  }
  await sweepStorage(db, env.ATTACHMENTS, locationId);
  if (!finished) {
    await env.PRIVACY_QUEUE.send(job);
    return "queued";
  }
  await finishErasure(db, locationId, contactId, now);
  return "done";
}
