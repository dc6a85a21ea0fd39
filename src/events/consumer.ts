import { z } from "zod";
import type { Env } from "../env";
import { log } from "../log";
import { deliverOnce } from "./deliver";
import type { EventPresenters } from "./render";

/** Queue names differ per environment (`…-events-production`): the consumer recognises its queue by this. */
const EVENTS_QUEUE_MARK = "-events";

export function isEventQueue(queueName: string): boolean {
  return queueName.includes(EVENTS_QUEUE_MARK);
}

const DeliveryJobSchema = z.object({ locationId: z.string(), eventId: z.string(), webhookId: z.string() });

// A failure of our own (D1 unreachable): try the message again soon; attempts at the endpoint are not counted.
const OWN_FAILURE_RETRY_SECONDS = 30;

/**
 * The events queue's consumer (R29). Each message is one (event, endpoint) attempt, acked or retried on
 * its own and all run at once: a slow or dead endpoint holds only its own messages, never the others'.
 */
export async function handleEventQueue(
  batch: MessageBatch<unknown>,
  env: Env,
  present: EventPresenters,
): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const job = DeliveryJobSchema.safeParse(message.body);
      if (!job.success) {
        log.warn("event_job_malformed", { queue: batch.queue });
        message.ack();
        return;
      }
      try {
        const outcome = await deliverOnce(env, job.data, Date.now(), present);
        if (outcome.kind === "retry") message.retry({ delaySeconds: outcome.delaySeconds });
        else message.ack();
      } catch (error) {
        log.error("event_delivery_error", { ...job.data, error });
        message.retry({ delaySeconds: OWN_FAILURE_RETRY_SECONDS });
      }
    }),
  );
}
