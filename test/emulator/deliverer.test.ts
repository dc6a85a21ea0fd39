import { describe, expect, it } from "vitest";
import { createGoogleEmulator } from "../../emulator";
import { testEmulatorOptions, TEST_GOOGLE } from "../../emulator/presets";

/** The push loop of `npm start` and bench, run here on a private emulator with a fake endpoint. */
describe("emulator: the HTTP push loop", () => {
  it("POSTs each push to the endpoint and retries a failed one after its backoff", async () => {
    let offset = 0;
    const received: Array<{ url: string; auth: string | null; body: string }> = [];
    const statuses = [503, 204];
    const google = createGoogleEmulator({
      ...testEmulatorOptions(),
      now: () => Date.now() + offset,
      pushDelivery: {
        intervalMs: 20,
        fetch: async (request) => {
          received.push({ url: request.url, auth: request.headers.get("authorization"), body: await request.text() });
          return new Response(null, { status: statuses.shift() ?? 204 });
        },
      },
    });
    try {
      const control = (path: string, body: unknown) =>
        google.fetch(
          new Request(`http://google.local/__emulator${path}`, { method: "POST", body: JSON.stringify(body) }),
        );
      const email = "loop@gmail.com";
      await control("/accounts", { email });
      const account = google.state.accounts.get(email)!;
      account.watch = {
        topicName: TEST_GOOGLE.topic,
        labelIds: ["INBOX"],
        behavior: "include",
        expiration: Date.now() + 86_400_000,
        clientId: TEST_GOOGLE.clientId,
      };
      await control(`/accounts/${email}/messages`, { from: "a@example.com", to: email, subject: "s", text: "x" });
      await new Promise((r) => setTimeout(r, 200));
      expect(received).toHaveLength(1);
      expect(received[0]!.url).toBe(TEST_GOOGLE.pushEndpoint);
      expect(received[0]!.auth).toMatch(/^Bearer ey/);
      offset = 10_000;
      await new Promise((r) => setTimeout(r, 200));
      expect(received).toHaveLength(2);
      expect(received[1]!.body).toBe(received[0]!.body);
      const outbox = (await (
        await google.fetch(new Request(`http://google.local/__emulator/pubsub/outbox?account=${email}`))
      ).json()) as { entries: Array<{ state: string; statuses: number[] }> };
      expect(outbox.entries).toEqual([expect.objectContaining({ state: "acked", statuses: [503, 204] })]);
    } finally {
      google.close();
    }
  });
});
