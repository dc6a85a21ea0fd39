import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertContact } from "../../src/db/contacts";
import { locationPrefix } from "../../src/content/layout";
import { locationDb } from "../../src/db/database";
import { storeMessages } from "../../src/db/messages/store";
import { parseRawMessage } from "../../src/mail/parse-raw";
import { api } from "../support/api";
import { base64Lines, deliver, mime, NOW, provision, snapshotLocation, trustedResults } from "./support";

const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 250,
]);
const PDF = new TextEncoder().encode("%PDF-1.4\n% a tiny test document\n%%EOF\n");

function plainEmail(options: {
  from?: string;
  to: string;
  cc?: string;
  subject?: string;
  messageId?: string | null;
  extra?: string[];
}) {
  const from = options.from ?? "Olive Owner <owner@agency.example>";
  const domain = /@([^>]+)/.exec(from)?.[1] ?? "agency.example";
  return mime(
    [
      trustedResults(domain),
      "Received: from mail.agency.example by mx.cloudflare.net; Thu, 26 Nov 2026 10:00:00 +0000",
      `From: ${from}`,
      `To: ${options.to}`,
      ...(options.cc ? [`Cc: ${options.cc}`] : []),
      `Subject: ${options.subject ?? "Proposal"}`,
      "Date: Thu, 26 Nov 2026 09:59:00 +0000",
      ...(options.messageId === null
        ? []
        : [`Message-ID: ${options.messageId ?? `<${crypto.randomUUID()}@agency.example>`}`]),
      ...(options.extra ?? []),
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
    ],
    ["Hello, here is the proposal.", ""],
  );
}

describe("email handler: logging (R19)", () => {
  it("R19: logs an email sent to a new address, creating the contact with the To name, assigned to the sender", async () => {
    const p = await provision("h1");
    const { rejections } = await deliver(
      plainEmail({ to: "Carla Client <Carla@Client.example>", messageId: "<h1@agency.example>" }),
      { to: p.bccAddress },
    );

    expect(rejections).toEqual([]);
    const snap = await snapshotLocation(p.locationId);
    expect(snap.contacts).toEqual([
      expect.objectContaining({ email: "carla@client.example", name: "Carla Client", assignedUserId: p.user.id }),
    ]);
    expect(snap.conversations).toEqual([
      expect.objectContaining({
        contactId: snap.contacts[0]?.id,
        messageCount: 1,
        lastMessageAt: Date.UTC(2026, 10, 26, 9, 59),
      }),
    ]);

    const list = await api<{ messages: unknown[] }>(
      "GET",
      `/v1/locations/${p.locationId}/conversations/${snap.conversations[0]?.id}/messages`,
    );
    expect(list.body.messages).toEqual([
      expect.objectContaining({
        direction: "outbound",
        source: "bcc",
        provider: null,
        gmail: null,
        messageIdHeader: "<h1@agency.example>",
        from: { email: "owner@agency.example", name: "Olive Owner" },
        to: [{ email: "carla@client.example", name: "Carla Client" }],
        subject: "Proposal",
        text: "Hello, here is the proposal.\n",
        sentAt: "2026-11-26T09:59:00.000Z",
        attachments: [],
      }),
    ]);
  });

  it("R19/R17: keeps the html and text of multipart/alternative, attachments and inline images, served by the API", async () => {
    const p = await provision("h2");
    const raw = mime(
      [
        trustedResults("agency.example"),
        "From: owner@agency.example",
        "To: client@client.example",
        "Subject: Files",
        "Message-ID: <h2@agency.example>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="outer"',
      ],
      [
        "--outer",
        'Content-Type: multipart/related; boundary="rel"',
        "",
        "--rel",
        'Content-Type: multipart/alternative; boundary="alt"',
        "",
        "--alt",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "See the logo.",
        "",
        "--alt",
        "Content-Type: text/html; charset=utf-8",
        "",
        '<p>See the <img src="cid:logo@agency.example"></p>',
        "",
        "--alt--",
        "--rel",
        "Content-Type: image/png",
        "Content-Transfer-Encoding: base64",
        "Content-ID: <logo@agency.example>",
        'Content-Disposition: inline; filename="logo.png"',
        "",
        base64Lines(PNG),
        "",
        "--rel--",
        "--outer",
        "Content-Type: application/pdf",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="offer.pdf"',
        "",
        base64Lines(PDF),
        "",
        "--outer--",
        "",
      ],
    );
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([]);

    const snap = await snapshotLocation(p.locationId);
    expect(snap.messages[0]).toMatchObject({
      text: expect.stringContaining("See the logo."),
      html: expect.stringContaining('src="cid:logo@agency.example"'),
    });
    expect(snap.attachments.map((a) => [a.filename, a.contentType, a.size, a.inline, a.contentId])).toEqual([
      ["logo.png", "image/png", PNG.byteLength, true, "logo@agency.example"],
      ["offer.pdf", "application/pdf", PDF.byteLength, false, null],
    ]);
    const pdf = snap.attachments[1];
    const res = await api<unknown>("GET", `/v1/locations/${p.locationId}/messages/${pdf?.messageId}`);
    expect(res.status).toBe(200);
    const bytes = await fetchAttachment(p.locationId, pdf?.messageId ?? "", pdf?.id ?? "");
    expect(bytes.contentType).toBe("application/pdf");
    expect(bytes.body).toEqual(PDF);
    expect(
      new Uint8Array(await (await env.ATTACHMENTS.get(snap.attachments[0]?.storageKey ?? ""))!.arrayBuffer()),
    ).toEqual(PNG);
  });

  it("R19: decodes RFC 2047 display names and subjects", async () => {
    const p = await provision("h3");
    const raw = plainEmail({
      to: "=?UTF-8?B?w4lsaXNlIETDvHJy?= <elise@client.example>",
      subject: "=?utf-8?Q?Devis_n=C2=B07_=E2=80=93_r=C3=A9vis=C3=A9?=",
    });
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([]);

    const snap = await snapshotLocation(p.locationId);
    expect(snap.contacts[0]?.name).toBe("Élise Dürr");
    expect(snap.messages[0]?.subject).toBe("Devis n°7 – révisé");
  });

  it("R19: a reply with In-Reply-To and References is logged into the same conversation", async () => {
    const p = await provision("h4");
    await deliver(plainEmail({ to: "client@client.example", messageId: "<first@agency.example>" }), {
      to: p.bccAddress,
    });
    const reply = plainEmail({
      to: "Client <client@client.example>",
      subject: "Re: Proposal",
      messageId: "<second@agency.example>",
      extra: [
        "In-Reply-To: <reply-from-client@client.example>",
        "References: <first@agency.example>\r\n <reply-from-client@client.example>",
      ],
    });
    expect((await deliver(reply, { to: p.bccAddress })).rejections).toEqual([]);

    const snap = await snapshotLocation(p.locationId);
    expect(snap.contacts).toHaveLength(1);
    expect(snap.conversations).toEqual([expect.objectContaining({ messageCount: 2 })]);
    expect(snap.messages.map((m) => m.subject).sort()).toEqual(["Proposal", "Re: Proposal"]);
  });

  it("R19/R9: of several To recipients the first who is no user becomes the contact; Cc never does", async () => {
    const p = await provision("h5", { mailbox: "olive@gmail.example" });
    const raw = plainEmail({
      to: `colleague@agency.example, Olive <olive@gmail.example>, ${p.bccAddress}, Ann <ann@client.example>, bob@client.example`,
      cc: "Cecil <cecil@client.example>",
    });
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([]);

    const snap = await snapshotLocation(p.locationId);
    expect(snap.contacts.map((c) => c.email)).toEqual(["ann@client.example"]);
    expect(JSON.parse(snap.messages[0]?.ccJson ?? "[]")).toEqual([{ email: "cecil@client.example", name: "Cecil" }]);
  });

  it("R12: an address shared by several contacts logs to the first created one, creating none", async () => {
    const p = await provision("h6");
    const first = await insertContact(
      p.db,
      { locationId: p.locationId, email: "dup@client.example", name: "First", assignedUserId: null },
      NOW - 2000,
    );
    await insertContact(
      p.db,
      { locationId: p.locationId, email: "dup@client.example", name: "Second", assignedUserId: null },
      NOW - 1000,
    );
    expect(
      (await deliver(plainEmail({ to: "Other Name <DUP@client.example>" }), { to: p.bccAddress })).rejections,
    ).toEqual([]);

    const snap = await snapshotLocation(p.locationId);
    expect(snap.contacts).toHaveLength(2);
    expect(snap.contacts[0]).toMatchObject({ id: first.id, name: "First", assignedUserId: null });
    expect(snap.messages.map((m) => m.contactId)).toEqual([first.id]);
  });

  it("R20: a user may log from the Gmail mailbox they connected in the location", async () => {
    const p = await provision("h7", { mailbox: "olive@gmail.example" });
    const raw = plainEmail({ from: "Olive <olive@gmail.example>", to: "client@client.example" });
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([]);
    expect((await snapshotLocation(p.locationId)).contacts).toEqual([
      expect.objectContaining({ assignedUserId: p.user.id }),
    ]);
  });

  it("docs/api.md: the logging address's local part is matched without regard to case", async () => {
    const p = await provision("h8");
    expect(
      (await deliver(plainEmail({ to: "client@client.example" }), { to: p.bccAddress.toUpperCase() })).rejections,
    ).toEqual([]);
    expect((await snapshotLocation(p.locationId)).messages).toHaveLength(1);
  });
});

describe("email handler: once (R21, R22)", () => {
  it("R22: the same message delivered twice is stored once", async () => {
    const p = await provision("o1");
    const raw = plainEmail({ to: "new@client.example", messageId: "<twice@agency.example>" });
    const first = await deliver(raw, { to: p.bccAddress });
    const second = await deliver(raw, { to: p.bccAddress });

    expect([...first.rejections, ...second.rejections]).toEqual([]);
    const snap = await snapshotLocation(p.locationId);
    expect([snap.contacts.length, snap.messages.length, snap.conversations[0]?.messageCount]).toEqual([1, 1, 1]);
  });

  it("R22: a message without Message-ID, retried with fresh trace headers, gets one stable synthetic id", async () => {
    const p = await provision("o2");
    const body = plainEmail({ to: "client@client.example", messageId: null, extra: ['X-Mailer: "Test"'] });
    await deliver(`Received: from relay-a by mx; Thu, 26 Nov 2026 10:00:01 +0000\r\n${body}`, { to: p.bccAddress });
    await deliver(`Received: from relay-b by mx; Thu, 26 Nov 2026 10:05:09 +0000\r\n${body}`, { to: p.bccAddress });

    const snap = await snapshotLocation(p.locationId);
    expect(snap.messages).toHaveLength(1);
    expect(snap.messages[0]?.messageIdHeader).toMatch(/^<bcc\.[0-9a-f]{64}@log\.crm\.test>$/);
  });

  it("R22: a retried delivery keeps one set of attachment rows and objects", async () => {
    const p = await provision("o3");
    const raw = mime(
      [
        trustedResults("agency.example"),
        "From: owner@agency.example",
        "To: client@client.example",
        "Message-ID: <o3@agency.example>",
        'Content-Type: multipart/mixed; boundary="b"',
      ],
      [
        "--b",
        "Content-Type: text/plain",
        "",
        "hi",
        "--b",
        "Content-Type: application/pdf",
        'Content-Disposition: attachment; filename="a.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        base64Lines(PDF),
        "--b--",
        "",
      ],
    );
    await deliver(raw, { to: p.bccAddress });
    await deliver(raw, { to: p.bccAddress });

    const snap = await snapshotLocation(p.locationId);
    expect(snap.attachments).toHaveLength(1);
    const listed = await env.ATTACHMENTS.list({ prefix: locationPrefix(p.locationId) });
    expect(listed.objects.map((o) => o.key)).toEqual([snap.attachments[0]?.storageKey]);
  });

  it("R21: a message Gmail sync stored first is not logged again", async () => {
    const p = await provision("o4");
    const contact = await insertContact(
      p.db,
      { locationId: p.locationId, email: "client@client.example", name: null, assignedUserId: null },
      NOW,
    );
    const raw = plainEmail({ to: "client@client.example", messageId: "<shared@agency.example>" });
    const parsed = await parseRawMessage(new TextEncoder().encode(raw), 1 << 20, NOW);
    if (!parsed.ok) throw new Error(parsed.error);
    const [synced] = await storeMessages(
      await locationDb(env, p.locationId),
      env.ATTACHMENTS,
      [
        {
          locationId: p.locationId,
          contactId: contact.id,
          direction: "outbound",
          source: "gmail",
          provider: null,
          status: "received",
          facts: parsed.value.facts,
          gmail: { mailbox: "owner@agency.example", messageId: "g-o4", threadId: "t-o4" },
        },
      ],
      NOW,
    );

    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([]);
    const snap = await snapshotLocation(p.locationId);
    expect(snap.messages.map((m) => [m.id, m.source])).toEqual([[synced?.messageId, "gmail"]]);
    expect(snap.conversations[0]?.messageCount).toBe(1);
  });

  it("R21: a logged message that Gmail sync imports later is not stored twice", async () => {
    const p = await provision("o5");
    const raw = plainEmail({ to: "client@client.example", messageId: "<later@agency.example>" });
    await deliver(raw, { to: p.bccAddress });
    const before = await snapshotLocation(p.locationId);
    const parsed = await parseRawMessage(new TextEncoder().encode(raw), 1 << 20, NOW);
    if (!parsed.ok) throw new Error(parsed.error);

    const [imported] = await storeMessages(
      await locationDb(env, p.locationId),
      env.ATTACHMENTS,
      [
        {
          locationId: p.locationId,
          contactId: before.contacts[0]?.id ?? "",
          direction: "outbound",
          source: "gmail",
          provider: null,
          status: "received",
          facts: parsed.value.facts,
          gmail: { mailbox: "owner@agency.example", messageId: "g-o5", threadId: "t-o5" },
        },
      ],
      NOW,
    );

    expect(imported).toMatchObject({ messageId: before.messages[0]?.id, created: false });
    const after = await snapshotLocation(p.locationId);
    expect(after.messages.map((m) => m.source)).toEqual(["bcc"]);
    expect(after.conversations[0]?.messageCount).toBe(1);
  });
});

async function fetchAttachment(locationId: string, messageId: string, attachmentId: string) {
  const { fetchApi, adminToken } = await import("../support/api");
  const res = await fetchApi("GET", `/v1/locations/${locationId}/messages/${messageId}/attachments/${attachmentId}`, {
    token: await adminToken(),
  });
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    body: new Uint8Array(await res.arrayBuffer()),
  };
}

describe("email handler: privacy lists (R27 with R19)", () => {
  const putPrivacy = (locationId: string, body: Record<string, unknown>) =>
    api("PUT", `/v1/locations/${locationId}/privacy`, { body });

  it("R27/R19: a contact candidate matching the location's never-log list is rejected with a reason; nothing stored", async () => {
    const p = await provision("pv1");
    await putPrivacy(p.locationId, { neverLog: ["@private.example"] });
    const { rejections } = await deliver(plainEmail({ to: "Dr Who <who@Private.example>" }), { to: p.bccAddress });
    expect(rejections).toEqual([expect.stringContaining("never-log")]);
    const snap = await snapshotLocation(p.locationId);
    expect([snap.contacts, snap.messages]).toEqual([[], []]);
  });

  it("R27/R19: the logging user's own never-log list applies too; another user's does not", async () => {
    const p = await provision("pv2");
    await api("PUT", `/v1/locations/${p.locationId}/users/${p.user.id}/privacy`, {
      body: { neverLog: ["mum@home.example"] },
    });
    await api("PUT", `/v1/locations/${p.locationId}/users/${p.colleague.id}/privacy`, {
      body: { neverLog: ["client@client.example"] },
    });
    expect((await deliver(plainEmail({ to: "mum@home.example" }), { to: p.bccAddress })).rejections).toEqual([
      expect.stringContaining("never-log"),
    ]);
    expect((await deliver(plainEmail({ to: "client@client.example" }), { to: p.bccAddress })).rejections).toEqual([]);
    expect((await snapshotLocation(p.locationId)).contacts.map((c) => c.email)).toEqual(["client@client.example"]);
  });

  it("R27/R19: an internal-domain To recipient is skipped like a user; the next outside recipient is the contact", async () => {
    const p = await provision("pv3");
    await putPrivacy(p.locationId, { internalDomains: ["ours.example"] });
    const { rejections } = await deliver(plainEmail({ to: "pal@ours.example, Carla <carla@client.example>" }), {
      to: p.bccAddress,
    });
    expect(rejections).toEqual([]);
    expect((await snapshotLocation(p.locationId)).contacts.map((c) => c.email)).toEqual(["carla@client.example"]);
    const onlyInternal = await deliver(plainEmail({ to: "pal@ours.example" }), { to: p.bccAddress });
    expect(onlyInternal.rejections).toEqual([expect.stringContaining("No To recipient")]);
  });

  it("R27/R19: the never-log check is on the contact candidate: a never-log Cc does not stop the logging", async () => {
    const p = await provision("pv4");
    await putPrivacy(p.locationId, { neverLog: ["@private.example"] });
    const { rejections } = await deliver(plainEmail({ to: "carla@client.example", cc: "x@private.example" }), {
      to: p.bccAddress,
    });
    expect(rejections).toEqual([]);
  });
});
