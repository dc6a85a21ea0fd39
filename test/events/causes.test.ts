import { describe, expect, it } from "vitest";
import { api, locationToken } from "../support/api";
import { deliver, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, pushAndSync } from "../sync/support";
import { subscribe, verified, waitForReceived } from "./support";

const mail = (prefix: string) => uniqueEmail(prefix, "client.test");

describe("R29: each event type from its real cause, delivered signed", () => {
  it("R29: a synced message gives message.created, signed (Standard Webhooks), without text or html", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("ann"));
    const { secret, host } = await subscribe(owner.locationId, { events: ["message.created"] });
    const sent = await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Hello", text: "secret body" });
    await pushAndSync(owner.address);

    const [request, ...more] = await waitForReceived(host, 1);
    expect(more).toEqual([]);
    const event = verified(request!, secret);
    expect(event).toMatchObject({ type: "message.created", locationId: owner.locationId });
    expect(event.id).toMatch(/^evt_/);
    expect(request?.headers["webhook-id"]).toBe(event.id);
    expect(request?.headers["content-type"]).toBe("application/json");
    const message = event.data.message as Record<string, unknown>;
    expect(message).toMatchObject({ contactId: contact.id, source: "gmail", subject: "Hello", gmail: { messageId: sent.id } });
    expect(message).not.toHaveProperty("text");
    expect(message).not.toHaveProperty("html");
    expect(request?.body).not.toContain("secret body");
  });
});
