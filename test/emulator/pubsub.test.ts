import { describe, expect, it } from "vitest";
import {
  ackPush,
  advanceClock,
  deliver,
  deliverPushes,
  pullPushes,
  pushOutbox,
  PUSH_SPACING_MS,
  sendAsOwner,
  setPushFaults,
  TEST_GOOGLE,
  type PushRequest,
} from "../support/google";
import { connectedAccount, gmail, postJson } from "./helpers";

async function watched(prefix: string, body: Record<string, unknown> = { labelIds: ["INBOX", "SENT"] }) {
  const account = await connectedAccount(prefix);
  const res = await gmail(
    account.token,
    "/gmail/v1/users/me/watch",
    postJson({ topicName: TEST_GOOGLE.topic, ...body }),
  );
  expect(res.status).toBe(200);
  return account;
}

const historyIdOf = (push: PushRequest) =>
  (JSON.parse(atob((JSON.parse(push.body) as { message: { data: string } }).message.data)) as { historyId: number })
    .historyId;

describe("emulator: Pub/Sub push delivery", () => {
  it("retries with backoff on any status but 102/200/201/202/204", async () => {
    const { email } = await watched("retry");
    await deliver(email, { from: "a@example.com", to: email, subject: "s", text: "x" });
    const [first] = await pullPushes(email);
    await ackPush(first!.deliveryId, 500);
    expect(await pullPushes(email)).toEqual([]);
    await advanceClock(email, 10_000);
    const [second] = await pullPushes(email);
    expect(second!.deliveryId).toBe(first!.deliveryId);
    expect(second!.attempt).toBe(2);
    await ackPush(second!.deliveryId, 401);
    await advanceClock(email, 10_000);
    expect(await pullPushes(email)).toEqual([]);
    await advanceClock(email, 10_000);
    const [third] = await pullPushes(email);
    await ackPush(third!.deliveryId, 102);
    await advanceClock(email, 600_000);
    expect(await pullPushes(email)).toEqual([]);
    expect((await pushOutbox(email))[0]).toMatchObject({ state: "acked", statuses: [500, 401, 102] });
  });

  it.each([200, 201, 202, 204])("status %i acknowledges", async (status) => {
    const { email } = await watched(`ack${status}`);
    await deliver(email, { from: "a@example.com", to: email, subject: "s", text: "x" });
    const result = await deliverPushes(email, async () => new Response(null, { status }));
    expect(result.statuses).toEqual([status]);
    await advanceClock(email, 700_000);
    expect(await pullPushes(email)).toEqual([]);
  });

  it("an unacknowledged push comes back after its ack deadline", async () => {
    const { email } = await watched("deadline");
    await deliver(email, { from: "a@example.com", to: email, subject: "s", text: "x" });
    const [push] = await pullPushes(email);
    await advanceClock(email, 10_000);
    expect(await pullPushes(email)).toEqual([]);
    await advanceClock(email, 10_000);
    expect((await pullPushes(email))[0]!.deliveryId).toBe(push!.deliveryId);
  });

  it("drops pushes closer than one second apart for one mailbox, as Gmail does", async () => {
    const { email } = await watched("rate");
    await deliver(email, { from: "a@example.com", to: email, subject: "1", text: "x" });
    await deliver(email, { from: "a@example.com", to: email, subject: "2", text: "x" });
    await advanceClock(email, PUSH_SPACING_MS);
    const third = await deliver(email, { from: "a@example.com", to: email, subject: "3", text: "x" });
    const pushes = await pullPushes(email);
    expect(pushes).toHaveLength(2);
    expect(historyIdOf(pushes[1]!)).toBe(Number(third.historyId));
  });

  it("pushes only changes to watched labels (include), or to other labels (exclude)", async () => {
    const inc = await watched("include", { labelIds: ["INBOX"], labelFilterBehavior: "include" });
    await deliver(inc.email, { from: "a@example.com", to: inc.email, subject: "spam", text: "x", labelIds: ["SPAM"] });
    expect(await pullPushes(inc.email)).toEqual([]);
    await advanceClock(inc.email, PUSH_SPACING_MS);
    await sendAsOwner(inc.email, { to: "b@example.com", subject: "sent", text: "x" });
    expect(await pullPushes(inc.email)).toEqual([]);
    const exc = await watched("exclude", { labelIds: ["SPAM"], labelFilterBehavior: "exclude" });
    await deliver(exc.email, { from: "a@example.com", to: exc.email, subject: "spam", text: "x", labelIds: ["SPAM"] });
    expect(await pullPushes(exc.email)).toEqual([]);
    await advanceClock(exc.email, PUSH_SPACING_MS);
    await deliver(exc.email, { from: "a@example.com", to: exc.email, subject: "inbox", text: "x" });
    expect(await pullPushes(exc.email)).toHaveLength(1);
  });

  it("stops pushing after stop, and after the watch expires (7 days)", async () => {
    const stopped = await watched("stop");
    expect((await gmail(stopped.token, "/gmail/v1/users/me/stop", { method: "POST" })).status).toBe(204);
    await deliver(stopped.email, { from: "a@example.com", to: stopped.email, subject: "s", text: "x" });
    expect(await pullPushes(stopped.email)).toEqual([]);
    const expired = await watched("expire");
    await advanceClock(expired.email, 7 * 24 * 3600 * 1000);
    await deliver(expired.email, { from: "a@example.com", to: expired.email, subject: "s", text: "x" });
    expect(await pullPushes(expired.email)).toEqual([]);
  });
});

describe("emulator: push faults", () => {
  async function threeChanges(email: string): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        Number((await deliver(email, { from: "a@example.com", to: email, subject: `${i}`, text: "x" })).historyId),
      );
      await advanceClock(email, PUSH_SPACING_MS);
    }
    return ids;
  }

  it("drop and duplicate", async () => {
    const { email } = await watched("dropdup");
    await setPushFaults(email, { drop: 1, duplicate: 1 });
    const ids = await threeChanges(email);
    const pushes = await pullPushes(email);
    expect(pushes.map(historyIdOf)).toEqual([ids[1], ids[1], ids[2]]);
    const [a, b] = pushes.map((p) => (JSON.parse(p.body) as { message: { messageId: string } }).message.messageId);
    expect(a).toBe(b);
  });

  it("delay holds a push back for the given time", async () => {
    const { email } = await watched("delay");
    await setPushFaults(email, { delay: { count: 1, ms: 60_000 } });
    const ids = await threeChanges(email);
    const early = await deliverPushes(email, async () => new Response(null, { status: 204 }));
    expect(early.pushes.map(historyIdOf)).toEqual([ids[1], ids[2]]);
    expect(await pullPushes(email)).toEqual([]);
    await advanceClock(email, 60_000);
    expect((await pullPushes(email)).map(historyIdOf)).toEqual([ids[0]]);
  });

  it("reorder releases the held pushes newest first", async () => {
    const { email } = await watched("reorder");
    await setPushFaults(email, { reorder: 3 });
    const ids = await threeChanges(email);
    expect((await pullPushes(email)).map(historyIdOf)).toEqual([...ids].reverse());
  });
});
