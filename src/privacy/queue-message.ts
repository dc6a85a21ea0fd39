/** A message of the privacy queue: an erasure (R28) that did not finish in the invocation that ran it. */
export interface ErasureContinuation {
  kind: "erasure";
  locationId: string;
  contactId: string;
}
