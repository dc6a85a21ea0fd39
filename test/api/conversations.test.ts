import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createContact, createLocation, fetchApi, locationToken, uniqueId } from "../support/api";
import { insertAttachment, insertConversation, insertMessage } from "../support/rows";

const T0 = Date.parse("2026-11-20T09:00:00.000Z");

async function conversationFixture() {
  const loc = await createLocation();
  const contact = await createContact(loc, { email: `${uniqueId("c")}@example.com` });
  const conversation = await insertConversation({ locationId: loc, contactId: contact.id, createdAt: T0 });
  return { loc, contact, conversation };
}

describe("GET /v1/locations/{loc}/conversations", () => {
  it("lists latest activity first, filters by contact, and pages", async () => {
    const loc = await createLocation();
    const a = await createContact(loc, { email: "a@example.com" });
    const b = await createContact(loc, { email: "b@example.com" });
    const old = await insertConversation({ locationId: loc, contactId: a.id, createdAt: T0, lastMessageAt: T0 + 1000 });
    const recent = await insertConversation({
      locationId: loc,
      contactId: b.id,
      createdAt: T0,
      lastMessageAt: T0 + 5000,
    });
    const empty = await insertConversation({ locationId: loc, contactId: uniqueId("ct"), createdAt: T0 + 3000 });

    const all = await api<{ conversations: { id: string }[]; nextCursor: string | null }>(
      "GET",
      `/v1/locations/${loc}/conversations`,
      { token: await locationToken(loc) },
    );
    expect(all.status).toBe(200);
    expect(all.body.conversations.map((c) => c.id)).toEqual([recent.id, empty.id, old.id]);
    expect(all.body.nextCursor).toBeNull();

    const first = await api<{ conversations: { id: string }[]; nextCursor: string }>(
      "GET",
      `/v1/locations/${loc}/conversations?limit=2`,
    );
    expect(first.body.conversations.map((c) => c.id)).toEqual([recent.id, empty.id]);
    const second = await api<{ conversations: { id: string }[]; nextCursor: string | null }>(
      "GET",
      `/v1/locations/${loc}/conversations?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.conversations.map((c) => c.id)).toEqual([old.id]);
    expect(second.body.nextCursor).toBeNull();

    const ofA = await api("GET", `/v1/locations/${loc}/conversations?contactId=${a.id}`);
    expect(ofA.body).toEqual({
      conversations: [
        {
          id: old.id,
          locationId: loc,
          contactId: a.id,
          messageCount: 0,
          lastMessageAt: "2026-11-20T09:00:01.000Z",
          createdAt: "2026-11-20T09:00:00.000Z",
        },
      ],
      nextCursor: null,
    });
  });

  it("reads one conversation, and 404 for an unknown one", async () => {
    const { loc, contact, conversation } = await conversationFixture();
    const res = await api("GET", `/v1/locations/${loc}/conversations/${conversation.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      conversation: {
        id: conversation.id,
        locationId: loc,
        contactId: contact.id,
        messageCount: 0,
        lastMessageAt: null,
        createdAt: "2026-11-20T09:00:00.000Z",
      },
    });
    const missing = await api("GET", `/v1/locations/${loc}/conversations/${uniqueId("cv")}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("GET …/conversations/{id}/messages and …/messages/{id}", () => {
  it("lists messages oldest first with their attachments in part order, and pages", async () => {
    const { loc, contact, conversation } = await conversationFixture();
    const base = { locationId: loc, conversationId: conversation.id, contactId: contact.id };
    const late = await insertMessage({ ...base, sentAt: T0 + 2000 });
    const early = await insertMessage({ ...base, sentAt: T0 + 1000 });
    const middle = await insertMessage({ ...base, sentAt: T0 + 1500 });
    const second = await insertAttachment({ locationId: loc, messageId: early.id, position: 1, filename: "b.txt" });
    const first = await insertAttachment({ locationId: loc, messageId: early.id, position: 0, filename: "a.txt" });

    const res = await api<{ messages: { id: string; attachments: { id: string }[] }[]; nextCursor: string }>(
      "GET",
      `/v1/locations/${loc}/conversations/${conversation.id}/messages?limit=2`,
    );
    expect(res.status).toBe(200);
    expect(res.body.messages.map((m) => m.id)).toEqual([early.id, middle.id]);
    expect(res.body.messages[0]?.attachments.map((a) => a.id)).toEqual([first.id, second.id]);
    const next = await api<{ messages: { id: string }[]; nextCursor: string | null }>(
      "GET",
      `/v1/locations/${loc}/conversations/${conversation.id}/messages?limit=2&cursor=${res.body.nextCursor}`,
    );
    expect(next.body.messages.map((m) => m.id)).toEqual([late.id]);
    expect(next.body.nextCursor).toBeNull();
  });

  it("answers 404 for the messages of an unknown conversation", async () => {
    const loc = await createLocation();
    const res = await api("GET", `/v1/locations/${loc}/conversations/${uniqueId("cv")}/messages`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("presents a Gmail-synced message in docs/api.md's shape", async () => {
    const { loc, contact, conversation } = await conversationFixture();
    const message = await insertMessage({
      locationId: loc,
      conversationId: conversation.id,
      contactId: contact.id,
      direction: "inbound",
      source: "gmail",
      provider: "gmail",
      fromEmail: contact.email,
      fromName: "Carol",
      toJson: JSON.stringify([{ email: "owner@gmail.com", name: "Owner" }]),
      ccJson: JSON.stringify([{ email: "cc@example.com", name: null }]),
      subject: "Hello",
      text: "Hi",
      html: "<p>Hi</p>",
      sentAt: T0,
      messageIdHeader: "<abc@example.com>",
      gmailMailbox: "owner@gmail.com",
      gmailMessageId: "18c0",
      gmailThreadId: "18b0",
    });
    const attachment = await insertAttachment({
      locationId: loc,
      messageId: message.id,
      filename: "logo.png",
      contentType: "image/png",
      size: 123,
      inline: true,
      contentId: "logo@x",
      gmailPartId: "1.2",
    });
    const res = await api("GET", `/v1/locations/${loc}/messages/${message.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      message: {
        id: message.id,
        locationId: loc,
        conversationId: conversation.id,
        contactId: contact.id,
        direction: "inbound",
        source: "gmail",
        provider: null,
        from: { email: contact.email, name: "Carol" },
        to: [{ email: "owner@gmail.com", name: "Owner" }],
        cc: [{ email: "cc@example.com", name: null }],
        bcc: [],
        subject: "Hello",
        text: "Hi",
        html: "<p>Hi</p>",
        sentAt: "2026-11-20T09:00:00.000Z",
        messageIdHeader: "<abc@example.com>",
        gmail: { mailbox: "owner@gmail.com", messageId: "18c0", threadId: "18b0" },
        unread: false,
        gmailState: "present",
        attachments: [
          {
            id: attachment.id,
            filename: "logo.png",
            contentType: "image/png",
            size: 123,
            inline: true,
            contentId: "logo@x",
          },
        ],
      },
    });
  });

  it("presents a CRM send with its provider and a BCC-logged message without gmail", async () => {
    const { loc, contact, conversation } = await conversationFixture();
    const base = {
      locationId: loc,
      conversationId: conversation.id,
      contactId: contact.id,
      direction: "outbound" as const,
    };
    const crm = await insertMessage({ ...base, source: "crm", provider: "location", status: "sent" });
    const bcc = await insertMessage({ ...base, source: "bcc" });
    expect((await api("GET", `/v1/locations/${loc}/messages/${crm.id}`)).body).toMatchObject({
      message: { source: "crm", provider: "location", gmail: null, unread: false, gmailState: null },
    });
    expect((await api("GET", `/v1/locations/${loc}/messages/${bcc.id}`)).body).toMatchObject({
      message: {
        source: "bcc",
        provider: null,
        gmail: null,
        text: null,
        html: null,
        messageIdHeader: null,
        gmailState: null,
      },
    });
  });

  it("answers 404 for an unknown message", async () => {
    const loc = await createLocation();
    const res = await api("GET", `/v1/locations/${loc}/messages/${uniqueId("msg")}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("GET …/messages/{messageId}/attachments/{attachmentId}", () => {
  async function storedAttachment(filename: string, contentType: string, bytes: Uint8Array) {
    const { loc, contact, conversation } = await conversationFixture();
    const message = await insertMessage({
      locationId: loc,
      conversationId: conversation.id,
      contactId: contact.id,
      source: "bcc",
    });
    const storageKey = `${loc}/${uniqueId("blob")}`;
    await env.ATTACHMENTS.put(storageKey, bytes);
    const attachment = await insertAttachment({
      locationId: loc,
      messageId: message.id,
      filename,
      contentType,
      size: bytes.length,
      storageKey,
    });
    return { loc, message, attachment };
  }

  it("R17: serves the stored bytes with Content-Type and Content-Disposition: attachment", async () => {
    const bytes = new TextEncoder().encode("%PDF-1.7 hello");
    const { loc, message, attachment } = await storedAttachment('Réunion "Q4".pdf', "application/pdf", bytes);
    const res = await fetchApi("GET", `/v1/locations/${loc}/messages/${message.id}/attachments/${attachment.id}`, {
      token: await locationToken(loc),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="R_union _Q4_.pdf"; filename*=UTF-8''R%C3%A9union%20%22Q4%22.pdf`,
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it("serves a malformed stored type as application/octet-stream", async () => {
    const { loc, message, attachment } = await storedAttachment(
      "x.html",
      "text/html\r\nSet-Cookie: a=b",
      new Uint8Array([1]),
    );
    const res = await fetchApi("GET", `/v1/locations/${loc}/messages/${message.id}/attachments/${attachment.id}`, {
      token: await locationToken(loc),
    });
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("set-cookie")).toBeNull();
    await res.arrayBuffer();
  });

  it("answers 404 for an attachment of another message, a Gmail-held part (not served yet) and missing bytes", async () => {
    const { loc, message, attachment } = await storedAttachment("a.txt", "text/plain", new Uint8Array([65]));
    const other = await insertMessage({
      locationId: loc,
      conversationId: message.conversationId,
      contactId: message.contactId,
    });
    const gmailHeld = await insertAttachment({ locationId: loc, messageId: other.id, gmailPartId: "2" });
    const lost = await insertAttachment({ locationId: loc, messageId: other.id, storageKey: `${loc}/never-written` });
    for (const path of [
      `/v1/locations/${loc}/messages/${other.id}/attachments/${attachment.id}`,
      `/v1/locations/${loc}/messages/${other.id}/attachments/${gmailHeld.id}`,
      `/v1/locations/${loc}/messages/${other.id}/attachments/${lost.id}`,
    ]) {
      const res = await api("GET", path);
      expect(res.status, path).toBe(404);
      expect(res.body).toMatchObject({ error: { code: "not_found" } });
    }
  });
});
