import { Hono } from "hono";
import { normalizeEmail, type EmulatorState } from "../state/store";
import { controlError, readInput } from "./input";
import { AckInput, PullInput, PushFaultInput, SubscriptionInput } from "./schemas";

/**
 * Pub/Sub as tests see it: configure a push subscription, pull the exact requests Pub/Sub would POST,
 * report the endpoint's status back (so the emulator's retry and backoff run), and set push faults.
 */
export function pubsubRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.post("/pubsub/subscriptions", async (c) => {
    const input = await readInput(c, SubscriptionInput);
    if (!input.ok) return input.response;
    state.subscriptions.set(input.data.name, input.data);
    return c.json({ subscriptions: [...state.subscriptions.values()] });
  });

  app.get("/pubsub/subscriptions", (c) => c.json({ subscriptions: [...state.subscriptions.values()] }));

  app.post("/pubsub/pull", async (c) => {
    const input = await readInput(c, PullInput);
    if (!input.ok) return input.response;
    const account = input.data.account ? normalizeEmail(input.data.account) : undefined;
    const deliveries = await state.outbox.pull({
      ...(account ? { account } : {}),
      ...(input.data.max ? { max: input.data.max } : {}),
    });
    return c.json({ deliveries });
  });

  app.post("/pubsub/ack", async (c) => {
    const input = await readInput(c, AckInput);
    if (!input.ok) return input.response;
    if (!state.outbox.ack(input.data.deliveryId, input.data.status))
      return controlError(404, "no delivery in flight with that id");
    return c.json({ ok: true });
  });

  app.post("/pubsub/faults", async (c) => {
    const input = await readInput(c, PushFaultInput);
    if (!input.ok) return input.response;
    const { account, ...faults } = input.data;
    state.outbox.setFaults(normalizeEmail(account), faults);
    return c.json({ ok: true });
  });

  app.get("/pubsub/outbox", (c) => {
    const account = c.req.query("account");
    return c.json({ entries: state.outbox.list(account ? normalizeEmail(account) : undefined) });
  });

  return app;
}
