/**
 * R26: one writer of message state at a time inside the mailbox object. The history walk's steps that read
 * or apply state and the CRM's PATCH take turns here, so a change the CRM just made in Gmail is never
 * overwritten by an older history record read while it was on its way (the object interleaves at awaits).
 */
export class StateLock {
  #tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
