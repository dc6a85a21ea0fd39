/** Waits, or stops waiting when the caller goes away (a hung Google call ends when the client aborts). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer: unknown = setTimeout(resolve, ms);
    // In Node a pending hang must not keep the test runner or `npm start` from exiting.
    (timer as { unref?: () => void }).unref?.();
    signal?.addEventListener("abort", () => {
      clearTimeout(timer as Parameters<typeof clearTimeout>[0]);
      resolve();
    });
  });
}
