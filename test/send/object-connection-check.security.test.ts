import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mailboxStub } from "../../src/mailbox/stub";
import { fetchApi, locationToken } from "../support/api";
import { advanceClock, deliver, PUSH_SPACING_MS } from "../support/google";
import { messagesOf, pushAndSync } from "../sync/support";
import { connectedSender, send } from "./support";

/** The mailbox object lets go of the location while D1's mirror of the connection still says active. */
function dropConnectionInsideObject(address: string, locationId: string): Promise<unknown> {
  return runInDurableObject(mailboxStub(env, address), (_instance, state) =>
    state.storage.sql.exec("DELETE FROM connections WHERE location_id = ?", locationId),
  );
}

describe("R23/R5: sends and attachment reads are decided by the mailbox object's own connection list", () => {
  it("R23: sendMail refuses a location the object no longer serves (409 mailbox_not_connected), whatever D1's copy says", async () => {
    const sender = await connectedSender();
    await dropConnectionInsideObject(sender.address, sender.locationId);
    const res = await send(sender, { subject: "Hi", text: "x" });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe("mailbox_not_connected");
  });

  it("R17/R23: the mailbox lends no Gmail access for an attachment of a location it no longer serves (404)", async () => {
    const sender = await connectedSender();
    await advanceClock(sender.address, PUSH_SPACING_MS);
    await deliver(sender.address, {
      from: sender.contactEmail,
      to: sender.address,
      subject: "File",
      text: "see attached",
      attachments: [{ filename: "a.pdf", contentType: "application/pdf", contentBase64: btoa("%PDF-1.4 x") }],
    });
    await pushAndSync(sender.address);
    const [message] = await messagesOf(sender.locationId, sender.contactId);
    const path = `/v1/locations/${sender.locationId}/messages/${message?.id}/attachments/${message?.attachments[0]?.id}`;
    const token = await locationToken(sender.locationId);
    expect((await fetchApi("GET", path, { token })).status).toBe(200);
    await dropConnectionInsideObject(sender.address, sender.locationId);
    const res = await fetchApi("GET", path, { token });
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});
