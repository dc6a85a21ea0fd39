import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createLocation, createUser, fetchApi, locationToken } from "../support/api";
import { disconnectMailbox, getMailbox } from "../support/connect";
import { revoke } from "../support/google";
import { addContact, bytesBase64, connectedSender, send, sentInGmail } from "./support";

const SENDER = `no-reply@${String(env.BCC_DOMAIN)}`;

/** A member without any Gmail connection, and a contact. */
async function unconnectedSender() {
  const locationId = await createLocation();
  const userId = await createUser({ locationId, name: "Una Unconnected" });
  const contact = await addContact(locationId, "Carl Contact");
  return { locationId, userId, contactId: contact.id };
}

describe("the location's own provider (R18)", () => {
  it.each(["bulk", "workflow"] as const)(
    "R18: kind %s goes through the location's provider, never Gmail, never counted",
    async (kind) => {
      const sender = await connectedSender();
      const res = await send(sender, { kind, subject: "Newsletter", text: "hello all", html: "<p>hello all</p>" });
      expect(res.status).toBe(201);
      expect(res.body.message).toMatchObject({
        source: "crm",
        provider: "location",
        gmail: null,
        from: { email: SENDER },
      });
      expect(res.body.message.messageIdHeader).toMatch(/^<.+@.+>$/);
      expect(await sentInGmail(sender.address)).toHaveLength(0);
      expect((await getMailbox(sender.locationId, sender.userId)).sendQuota.used).toBe(0);
    },
  );

  it("R18: an individual send of a user with no connection goes through the location's provider, with attachments kept", async () => {
    const sender = await unconnectedSender();
    const file = bytesBase64(5_000);
    const res = await send(sender, {
      subject: "Hi",
      text: "from the CRM",
      attachments: [{ filename: "a.bin", contentType: "application/octet-stream", contentBase64: file.base64 }],
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toMatchObject({ provider: "location", from: { email: SENDER, name: "Una Unconnected" } });
    const attachment = res.body.message.attachments[0]!;
    const download = await fetchApi(
      "GET",
      `/v1/locations/${sender.locationId}/messages/${res.body.message.id}/attachments/${attachment.id}`,
      {
        token: await locationToken(sender.locationId),
      },
    );
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(file.bytes);
  });

  it("R18: a disconnected user's individual send goes through the location's provider", async () => {
    const sender = await connectedSender();
    await disconnectMailbox(sender.locationId, sender.userId);
    const res = await send(sender, { text: "after disconnect" });
    expect(res.status).toBe(201);
    expect(res.body.message.provider).toBe("location");
    expect(await sentInGmail(sender.address)).toHaveLength(0);
  });

  it("R18/R6: a connection in needs_reauth refuses an individual send with 409, nothing sent", async () => {
    const sender = await connectedSender();
    await revoke(sender.address);
    // Gmail answers invalid_grant at the next token refresh: the mailbox turns needs_reauth.
    const first = await send(sender, { text: "x" });
    expect(first.status).toBe(409);
    expect(first.body.error?.code).toBe("mailbox_needs_reauth");
    expect((await getMailbox(sender.locationId, sender.userId)).status).toBe("needs_reauth");
    const again = await send(sender, { text: "y" });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe("mailbox_needs_reauth");
    expect(await sentInGmail(sender.address)).toHaveLength(0);
    // Bulk mail still goes out through the location (R18).
    expect((await send(sender, { kind: "bulk", text: "z" })).status).toBe(201);
  });
});

describe("attachment size (R17)", () => {
  it("R17: 20 MB of attachments is sent through Gmail's upload endpoint, byte-exact", async () => {
    const sender = await connectedSender();
    const file = bytesBase64(20 * 1024 * 1024, 5);
    const res = await send(sender, {
      text: "big",
      attachments: [{ filename: "big.bin", contentType: "application/octet-stream", contentBase64: file.base64 }],
    });
    expect(res.status).toBe(201);
    const [gmail] = await sentInGmail(sender.address);
    expect(gmail?.attachments[0]?.size).toBe(20 * 1024 * 1024);
    expect(gmail?.attachments[0]?.contentBase64 === file.base64).toBe(true);
  }, 60_000);

  it("R17: 26 MB of attachments is refused 413 attachments_too_large and nothing is sent", async () => {
    const sender = await connectedSender();
    const half = bytesBase64(13 * 1024 * 1024, 1).base64;
    const res = await send(sender, {
      text: "too big",
      attachments: [
        { filename: "a.bin", contentType: "application/octet-stream", contentBase64: half },
        { filename: "b.bin", contentType: "application/octet-stream", contentBase64: half },
      ],
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({
      code: "attachments_too_large",
      details: { totalBytes: 26 * 1024 * 1024, maxBytes: 26_214_400 },
    });
    expect(await sentInGmail(sender.address)).toHaveLength(0);
    expect((await getMailbox(sender.locationId, sender.userId)).sendQuota.used).toBe(0);
  }, 60_000);
});
