import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { bytesBase64, connectedSender, send, sentInGmail } from "./support";

describe("sending through Gmail (R13)", () => {
  it("R13: an individual send lands in Gmail's Sent with the user's name, the contact, Cc/Bcc, our Message-ID", async () => {
    const sender = await connectedSender({ userName: "Zoë Ågren", contactName: "Jürgen Müller" });
    const res = await send(sender, {
      subject: "Offre spéciale — 日本語",
      text: "Hello Jürgen,\nplain part",
      html: "<p>Hello <b>Jürgen</b></p>",
      cc: ["cc.person@client.test"],
      bcc: ["bcc.person@client.test"],
    });
    expect(res.status).toBe(201);
    const message = res.body.message;
    expect(message).toMatchObject({
      source: "crm",
      provider: "gmail",
      subject: "Offre spéciale — 日本語",
      from: { email: sender.address, name: "Zoë Ågren" },
      to: [{ email: sender.contactEmail, name: "Jürgen Müller" }],
      cc: [{ email: "cc.person@client.test", name: null }],
      bcc: [{ email: "bcc.person@client.test", name: null }],
    });

    const sent = await sentInGmail(sender.address);
    expect(sent).toHaveLength(1);
    const gmail = sent[0]!;
    expect(message.gmail).toEqual({ mailbox: sender.address, messageId: gmail.id, threadId: gmail.threadId });
    expect(gmail.messageId).toBe(message.messageIdHeader);
    expect(gmail.subject).toBe("Offre spéciale — 日本語");
    expect(gmail.from).toMatchObject({ name: "Zoë Ågren" });
    expect(JSON.stringify(gmail.from)).toContain(sender.address);
    expect(JSON.stringify(gmail.to)).toContain(sender.contactEmail);
    expect(gmail.to).toMatchObject([{ name: "Jürgen Müller" }]);
    expect(JSON.stringify(gmail.cc)).toContain("cc.person@client.test");
    // MIME text lines end in CRLF (RFC 2046); Gmail keeps them as sent.
    expect(gmail.text).toBe("Hello Jürgen,\r\nplain part");
    expect(gmail.html).toBe("<p>Hello <b>Jürgen</b></p>");
    const raw = atob(gmail.rawBase64);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(raw).toMatch(/multipart\/alternative/);
  });

  it("R13: attachments arrive byte-exact with their type and a non-ASCII filename", async () => {
    const sender = await connectedSender();
    const pdf = bytesBase64(70_000, 3);
    const png = bytesBase64(1_234, 9);
    const res = await send(sender, {
      subject: "Files",
      text: "see attached",
      attachments: [
        { filename: "Angebot für Müller.pdf", contentType: "application/pdf", contentBase64: pdf.base64 },
        { filename: "logo.png", contentType: "image/png", contentBase64: png.base64 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.message.attachments).toMatchObject([
      { filename: "Angebot für Müller.pdf", contentType: "application/pdf", size: 70_000 },
      { filename: "logo.png", contentType: "image/png", size: 1_234 },
    ]);
    const [gmail] = await sentInGmail(sender.address);
    expect(gmail?.attachments.map((a) => [a.mimeType, a.size, a.contentBase64])).toEqual([
      ["application/pdf", 70_000, pdf.base64],
      ["image/png", 1_234, png.base64],
    ]);
    // The names as any RFC 2231 reader sees them in the bytes Gmail received.
    const parsed = await PostalMime.parse(Uint8Array.from(atob(gmail!.rawBase64), (c) => c.charCodeAt(0)));
    expect(parsed.attachments.map((a) => a.filename)).toEqual(["Angebot für Müller.pdf", "logo.png"]);
  });

  it('R13: a reply threads in Gmail: same threadId, In-Reply-To, References, one "Re: "', async () => {
    const sender = await connectedSender();
    const first = await send(sender, { subject: "Re: Quote", text: "first" });
    expect(first.status).toBe(201);
    const reply = await send(sender, {
      subject: "ignored for replies",
      text: "second",
      inReplyTo: first.body.message.id,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.message.subject).toBe("Re: Quote");
    expect(reply.body.message.conversationId).toBe(first.body.message.conversationId);

    const sent = await sentInGmail(sender.address);
    expect(sent).toHaveLength(2);
    const [a, b] = sent as [(typeof sent)[0], (typeof sent)[0]];
    expect(b.threadId).toBe(a.threadId);
    expect(b.inReplyTo).toBe(a.messageId);
    expect(b.references).toBe(a.messageId);
    expect(b.subject).toBe("Re: Quote");
  });

  it("R13: a reply to a message of another conversation is not found", async () => {
    const sender = await connectedSender();
    const other = await connectedSender();
    const theirs = await send(other, { text: "elsewhere" });
    const res = await send(sender, { text: "reply", inReplyTo: theirs.body.message.id });
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("not_found");
    expect(await sentInGmail(sender.address)).toHaveLength(0);
  });
});
