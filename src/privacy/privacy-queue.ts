import type { Env } from "../env";
import { log } from "../log";
import { continueErasure } from "./erase-contact";
import { isErasureContinuation } from "./queue-message";

/**
 * The privacy queue's consumer: each message runs the next bounded steps of one erasure (R28), which queue
 * the next message themselves while anything remains. A step that throws is retried by the queue; the
 * erasure's progress lives in D1, so a retry or a duplicate delivery just continues from there.
 */
export async function handlePrivacyQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const job = message.body;
    if (!isErasureContinuation(job)) {
      log.warn("privacy_queue_unknown_message", { id: message.id });
      message.ack();
      continue;
    }
    try {
      const outcome = await continueErasure(env, job, Date.now());
      log.info("erasure_step", { locationId: job.locationId, contactId: job.contactId, outcome });
      message.ack();
    } catch (error) {
      log.warn("erasure_step_failed", { locationId: job.locationId, contactId: job.contactId, error });
      message.retry({ delaySeconds: 30 });
    }
  }
}
