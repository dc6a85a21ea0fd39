/**
 * R25/R31 (issue 21's "smaller" item): an Idempotency-Key row keeps the id of the message its send made, not
 * the whole answer, so a send with megabytes of body never writes megabytes into the row (nor trips D1's
 * 2 MB row limit after the email went out); a repeat still answers the whole message, read from where it lives.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { idempotencyKeys } from "../../src/db/schema";
import { testDb } from "../support/rows";
import { bigBody } from "../storage/support";
import { connectedSender, newKey, send, sentInGmail } from "./support";

const MB = 1024 * 1024;

async function keyRow(locationId: string, key: string) {
  return (await testDb(locationId))
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.locationId, locationId), eq(idempotencyKeys.key, key)))
    .get();
}

describe("R25/R31: the idempotency row keeps the message id, not the answer", () => {
  it("R25/R31: a completed send of a 2.5 MB html and a 1 MB attachment leaves a row of a few bytes; a retry answers the same message", {
    timeout: 120_000,
  }, async () => {
    const sender = await connectedSender();
    const html = bigBody(2.5 * MB, "idempotent html", true);
    const attachment = {
      filename: "a.bin",
      contentType: "application/octet-stream",
      contentBase64: btoa("x".repeat(MB)),
    };
    const body = { subject: "Big and once", html, attachments: [attachment] };
    const key = newKey();

    const first = await send(sender, body, key);
    expect(first.status).toBe(201);
    const messageId = first.body.message.id;
    const row = await keyRow(sender.locationId, key);
    expect(row).toMatchObject({ state: "done", responseStatus: 201, messageId });
    // What the row stores of the answer: the message id and nothing of the bodies.
    expect(JSON.parse(row?.responseBody ?? "null")).toEqual({ messageId });
    expect(row?.responseBody?.length).toBeLessThan(200);

    const again = await send(sender, body, key);
    expect(again.status).toBe(201);
    expect(again.body.message.id).toBe(messageId);
    expect(again.body.message.html?.length).toBe(html.length);
    expect(again.body.message.html === html).toBe(true);
    expect(again.body.message.attachments).toEqual(first.body.message.attachments);
    // Answered from the row: Gmail sent it once, and the row did not grow.
    expect(await sentInGmail(sender.address)).toHaveLength(1);
    expect((await keyRow(sender.locationId, key))?.responseBody).toBe(row?.responseBody);
  });
});
