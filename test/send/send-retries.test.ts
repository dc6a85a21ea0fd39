import { describe, expect, it } from "vitest";
import { counters, failNext, loseNextSendAnswer } from "../support/google";
import { connectedSender, newKey, send, sentInGmail } from "./support";

describe("safe retries (R25, Idempotency-Key)", () => {
  it("R25: the same key and body twice sends once and answers the first 201 again", async () => {
    const sender = await connectedSender();
    const key = newKey();
    const first = await send(sender, { subject: "Once", text: "only once" }, key);
    const second = await send(sender, { text: "only once", subject: "Once" }, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await sentInGmail(sender.address)).toHaveLength(1);
  });

  it("R25: ten concurrent repeats of one key send one email; each answer is that email or 409", async () => {
    const sender = await connectedSender();
    const key = newKey();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => send(sender, { subject: "Burst", text: "x" }, key)),
    );
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((a) => a.body.message.id)).size).toBe(1);
    for (const other of answers.filter((a) => a.status !== 201)) {
      expect(other.status).toBe(409);
      expect(other.body.error?.code).toBe("request_in_progress");
    }
    expect(await sentInGmail(sender.address)).toHaveLength(1);
  });

  it("R25: the same key with another body is refused 422 and sends nothing more", async () => {
    const sender = await connectedSender();
    const key = newKey();
    expect((await send(sender, { text: "first" }, key)).status).toBe(201);
    const reused = await send(sender, { text: "second" }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error?.code).toBe("idempotency_key_reuse");
    expect(await sentInGmail(sender.address)).toHaveLength(1);
  });

  it("R25: keys are scoped to the location: the same key in another location is a new send", async () => {
    const a = await connectedSender();
    const b = await connectedSender();
    const key = newKey();
    expect((await send(a, { text: "in A" }, key)).status).toBe(201);
    expect((await send(b, { text: "in B" }, key)).status).toBe(201);
    expect(await sentInGmail(b.address)).toHaveLength(1);
  });

  it("R25: Gmail's answer lost after it sent: the retry finds the email in Sent, 201, still one email", async () => {
    const sender = await connectedSender();
    const key = newKey();
    await loseNextSendAnswer(sender.address);
    const lost = await send(sender, { subject: "Lost answer", text: "x" }, key);
    expect(lost.status).toBe(502);
    expect(lost.body.error).toMatchObject({ code: "gmail_error", details: { status: 500, reason: "backendError" } });
    expect(await sentInGmail(sender.address)).toHaveLength(1);

    const retry = await send(sender, { subject: "Lost answer", text: "x" }, key);
    expect(retry.status).toBe(201);
    const sent = await sentInGmail(sender.address);
    expect(sent).toHaveLength(1);
    expect(retry.body.message.gmail?.messageId).toBe(sent[0]?.id);
    expect(retry.body.message.messageIdHeader).toBe(sent[0]?.messageId);
  });

  it("R25: a send whose answer never comes (hang) is found in Sent on retry and not sent twice", async () => {
    const sender = await connectedSender();
    const key = newKey();
    // Gmail commits the send, then holds its answer for a minute: the call gives up at its deadline.
    await loseNextSendAnswer(sender.address, "hang", 60_000);
    const started = Date.now();
    const lost = await send(sender, { subject: "Hung answer", text: "x" }, key);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(lost.status).toBe(502);
    expect(lost.body.error).toMatchObject({ code: "gmail_error", details: { status: 504, reason: "timeout" } });
    expect(await sentInGmail(sender.address)).toHaveLength(1);

    const retry = await send(sender, { subject: "Hung answer", text: "x" }, key);
    expect(retry.status).toBe(201);
    const sent = await sentInGmail(sender.address);
    expect(sent).toHaveLength(1);
    expect(retry.body.message.gmail?.messageId).toBe(sent[0]?.id);
    expect(retry.body.message.messageIdHeader).toBe(sent[0]?.messageId);
    // The retry searched Sent instead of sending again.
    const used = await counters(sender.address);
    expect(used.requests["users.messages.send"]).toBe(1);
    expect(used.requests["users.messages.list"]).toBe(1);
  }, 30_000);

  it("R25: a send Gmail refused before sending is sent by the retry", async () => {
    const sender = await connectedSender();
    const key = newKey();
    await failNext(sender.address, "users.messages.send", 503);
    const failed = await send(sender, { text: "x" }, key);
    expect(failed.status).toBe(502);
    expect(await sentInGmail(sender.address)).toHaveLength(0);
    const retry = await send(sender, { text: "x" }, key);
    expect(retry.status).toBe(201);
    expect(await sentInGmail(sender.address)).toHaveLength(1);
  });

  it("without a key, a repeat is a new send (docs/api.md)", async () => {
    const sender = await connectedSender();
    await send(sender, { text: "x" });
    await send(sender, { text: "x" });
    expect(await sentInGmail(sender.address)).toHaveLength(2);
  });
});
