import type { gmail_v1 } from "@googleapis/gmail";
import { describe, expect, it } from "vitest";
import mixed from "../fixtures/eml/mixed.eml?raw";
import mimetorture from "../fixtures/eml/mimetorture.eml?raw";
import { advanceClock, deliver } from "../support/google";
import { connectedAccount, fromBase64url, gmail, type GoogleError } from "./helpers";

type Message = gmail_v1.Schema$Message;
type Part = gmail_v1.Schema$MessagePart;

function partIds(part: Part): string[] {
  return [part.partId ?? "?", ...(part.parts ?? []).flatMap(partIds)];
}

describe("emulator: messages.get formats and MIME", () => {
  it("minimal, metadata (with metadataHeaders), full and raw", async () => {
    const { email, token } = await connectedAccount("formats");
    const d = await deliver(email, {
      from: "ann@example.com",
      to: email,
      cc: "cc@example.com",
      subject: "Formats",
      text: "Body text",
    });
    const minimal = (await gmail<Message>(token, `/gmail/v1/users/me/messages/${d.id}?format=minimal`)).body;
    expect(minimal).toEqual({
      id: d.id,
      threadId: d.threadId,
      labelIds: d.labelIds,
      snippet: "Body text",
      sizeEstimate: expect.any(Number),
      historyId: d.historyId,
      internalDate: String(Date.parse(d.internalDate)),
    });
    const metadata = (
      await gmail<Message>(
        token,
        `/gmail/v1/users/me/messages/${d.id}?format=metadata&metadataHeaders=Subject&metadataHeaders=cc`,
      )
    ).body;
    expect(metadata.payload).toEqual({
      mimeType: "text/plain",
      headers: [
        { name: "Subject", value: "Formats" },
        { name: "Cc", value: "cc@example.com" },
      ],
    });
    const full = (await gmail<Message>(token, `/gmail/v1/users/me/messages/${d.id}`)).body;
    expect(full.payload).toMatchObject({ partId: "", mimeType: "text/plain", filename: "", body: { size: 11 } });
    expect(fromBase64url(full.payload!.body!.data!)).toBe("Body text\r\n");
    const raw = (await gmail<Message>(token, `/gmail/v1/users/me/messages/${d.id}?format=raw`)).body;
    expect(raw).not.toHaveProperty("payload");
    expect(fromBase64url(raw.raw!)).toContain("Subject: Formats\r\n");
  });

  it("gives the MIME tree with Gmail's part ids, decoded bodies and attachment ids", async () => {
    const { email, token } = await connectedAccount("mime");
    const d = await deliver(email, {
      from: "ann@example.com",
      to: email,
      subject: "Réunion",
      text: "plain",
      html: '<p>html <img src="cid:logo"></p>',
      attachments: [
        { filename: "quote.pdf", contentType: "application/pdf", contentBase64: btoa("%PDF-1.4 quote") },
        {
          filename: "logo.png",
          contentType: "image/png",
          contentBase64: btoa("PNGDATA"),
          inline: true,
          contentId: "logo",
        },
      ],
    });
    const full = (await gmail<Message>(token, `/gmail/v1/users/me/messages/${d.id}`)).body;
    const payload = full.payload!;
    expect(payload.mimeType).toBe("multipart/mixed");
    expect(partIds(payload)).toEqual(["", "0", "0.0", "0.0.0", "0.0.1", "0.1", "1"]);
    expect(payload.headers).toContainEqual({ name: "Subject", value: "Réunion" });
    const pdf = payload.parts![1]!;
    expect(pdf).toMatchObject({
      partId: "1",
      mimeType: "application/pdf",
      filename: "quote.pdf",
      body: { size: 14, attachmentId: expect.stringMatching(/^ANGjdJ/) },
    });
    expect(pdf.body).not.toHaveProperty("data");
    const inline = payload.parts![0]!.parts![1]!;
    expect(inline.headers).toContainEqual({ name: "Content-ID", value: "<logo>" });
    const attachment = await gmail<{ attachmentId: string; size: number; data: string }>(
      token,
      `/gmail/v1/users/me/messages/${d.id}/attachments/${pdf.body!.attachmentId}`,
    );
    // Google's MessagePartBody: {attachmentId, size, data}, in that order, data as base64url.
    expect(Object.keys(attachment.body)).toEqual(["attachmentId", "size", "data"]);
    expect(attachment.body.attachmentId).toMatch(/^ANGjdJ/);
    expect(attachment.body.data).toMatch(/^[A-Za-z0-9_-]*=*$/);
    expect(attachment.body.size).toBe(14);
    expect(fromBase64url(attachment.body.data)).toBe("%PDF-1.4 quote");
    const again = (await gmail<Message>(token, `/gmail/v1/users/me/messages/${d.id}`)).body;
    expect(again.payload!.parts![1]!.body!.attachmentId).not.toBe(pdf.body!.attachmentId);
    const foreign = await gmail<GoogleError>(token, `/gmail/v1/users/me/messages/${d.id}/attachments/ANGjdJbogus`);
    expect(foreign.status).toBe(400);
  });

  it("parses real MIME (postal-mime's fixtures): nested multiparts, quoted-printable, mimetorture", async () => {
    const { email, token } = await connectedAccount("fixtures");
    const m = await deliver(email, { raw: mixed });
    const full = (await gmail<Message>(token, `/gmail/v1/users/me/messages/${m.id}`)).body;
    expect(partIds(full.payload!)).toEqual(["", "0", "0.0", "0.1", "1"]);
    expect(fromBase64url(full.payload!.parts![0]!.parts![1]!.body!.data!)).toContain(
      "<HTML><HEAD>\r\n</HEAD><BODY> \r\n",
    );
    const t = await deliver(email, { raw: mimetorture });
    const torture = (await gmail<Message>(token, `/gmail/v1/users/me/messages/${t.id}`)).body;
    expect(torture.payload!.mimeType).toBe("multipart/mixed");
    expect(partIds(torture.payload!).length).toBeGreaterThan(10);
  });

  it("answers 400 for a malformed id and 404 for an unknown one", async () => {
    const { token } = await connectedAccount("ids");
    expect((await gmail(token, "/gmail/v1/users/me/messages/not-an-id!")).status).toBe(400);
    const missing = await gmail<GoogleError>(token, "/gmail/v1/users/me/messages/18c0000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body.error.errors[0]!.reason).toBe("notFound");
  });
});

describe("emulator: messages.list and threads.get", () => {
  it("lists newest first with labelIds, q (after:/before:/in:/rfc822msgid:), spam/trash exclusion and paging", async () => {
    const { email, token } = await connectedAccount("list");
    const a = await deliver(email, { from: "a@example.com", to: email, subject: "one", text: "x" });
    await advanceClock(email, 1_800_000);
    const b = await deliver(email, {
      from: "b@example.com",
      to: email,
      subject: "two",
      text: "x",
      messageId: "<two@example.com>",
    });
    const spam = await deliver(email, {
      from: "s@example.com",
      to: email,
      subject: "spam",
      text: "x",
      labelIds: ["SPAM"],
    });
    const list = async (query: string) =>
      (await gmail<gmail_v1.Schema$ListMessagesResponse>(token, `/gmail/v1/users/me/messages?${query}`)).body;
    expect((await list("")).messages!.map((m) => m.id)).toEqual([b.id, a.id]);
    expect((await list("includeSpamTrash=true")).messages!.map((m) => m.id)).toEqual([spam.id, b.id, a.id]);
    expect((await list("q=in:spam")).messages!.map((m) => m.id)).toEqual([spam.id]);
    expect((await list("labelIds=INBOX&labelIds=UNREAD")).resultSizeEstimate).toBe(2);
    expect((await list(`q=${encodeURIComponent("rfc822msgid:two@example.com")}`)).messages!.map((m) => m.id)).toEqual([
      b.id,
    ]);
    const cut = Math.floor(Date.parse(b.internalDate) / 1000) - 10;
    expect((await list(`q=${encodeURIComponent(`after:${cut}`)}`)).messages!.map((m) => m.id)).toEqual([b.id]);
    expect((await list(`q=${encodeURIComponent(`before:${cut}`)}`)).messages!.map((m) => m.id)).toEqual([a.id]);
    const page1 = await list("maxResults=1");
    expect(page1.messages!.map((m) => m.id)).toEqual([b.id]);
    const page2 = await list(`maxResults=1&pageToken=${page1.nextPageToken}`);
    expect(page2.messages!.map((m) => m.id)).toEqual([a.id]);
    expect(page2).not.toHaveProperty("nextPageToken");
    expect(await list("q=in:trash")).toEqual({ resultSizeEstimate: 0 });
  });

  it("threads a received reply onto the message its References name when the subject matches", async () => {
    const { email, token } = await connectedAccount("thread");
    const first = await deliver(email, {
      from: "a@example.com",
      to: email,
      subject: "Plan",
      text: "1",
      messageId: "<plan-1@example.com>",
    });
    const reply = await deliver(email, {
      from: "a@example.com",
      to: email,
      subject: "Re: Plan",
      text: "2",
      inReplyTo: "<plan-1@example.com>",
      references: ["<plan-1@example.com>"],
    });
    const otherSubject = await deliver(email, {
      from: "a@example.com",
      to: email,
      subject: "Different",
      text: "3",
      inReplyTo: "<plan-1@example.com>",
    });
    expect(reply.threadId).toBe(first.threadId);
    expect(otherSubject.threadId).not.toBe(first.threadId);
    const thread = (
      await gmail<gmail_v1.Schema$Thread>(token, `/gmail/v1/users/me/threads/${first.threadId}?format=minimal`)
    ).body;
    expect(thread.messages!.map((m) => m.id)).toEqual([first.id, reply.id]);
    expect(thread.historyId).toBe(reply.historyId);
  });
});
