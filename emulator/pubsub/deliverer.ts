import type { Outbox } from "./outbox";

/**
 * Pub/Sub's push loop for `npm start` and bench: POSTs due pushes to their endpoints and feeds each status
 * back into the outbox, so retries and backoff are the ones the tests exercise. A network error counts as a
 * failed attempt.
 */
export function startDeliverer(
  outbox: Outbox,
  send: (request: Request) => Promise<Response>,
  intervalMs = 250,
): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const push of await outbox.pull({ max: 50 })) {
        let status = 0;
        try {
          const response = await send(
            new Request(push.url, { method: push.method, headers: push.headers, body: push.body }),
          );
          status = response.status;
          await response.body?.cancel();
        } catch {
          status = 0;
        }
        outbox.ack(push.deliveryId, status);
      }
    } finally {
      busy = false;
    }
  }, intervalMs);
  return () => clearInterval(timer);
}
