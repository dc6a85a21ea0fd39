/** A message of the privacy queue: an erasure (R28) that did not finish in the invocation that ran it. */
export interface ErasureContinuation {
  kind: "erasure";
  locationId: string;
  contactId: string;
}

/** Queue names differ per environment (`…-privacy-production`): the consumer recognises its queue by this. */
const PRIVACY_QUEUE_MARK = "privacy";

export function isPrivacyQueue(queueName: string): boolean {
  return queueName.includes(PRIVACY_QUEUE_MARK);
}

export function isErasureContinuation(value: unknown): value is ErasureContinuation {
  if (typeof value !== "object" || value === null) return false;
  const job = value as Record<string, unknown>;
  return job.kind === "erasure" && typeof job.locationId === "string" && typeof job.contactId === "string";
}
