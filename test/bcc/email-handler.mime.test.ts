import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import arf from "../fixtures/eml/arf.eml?raw";
import bounce from "../fixtures/eml/bounce.eml?raw";
import calendarEvent from "../fixtures/eml/calendar-event.eml?raw";
import mimeTorture from "../fixtures/eml/mimetorture.eml?raw";
import mixed from "../fixtures/eml/mixed.eml?raw";
import { base64Lines, deliver, mime, provision, snapshotLocation, trustedResults } from "./support";

/** A real message as Cloudflare would hand it over: its verdict header prepended. */
const received = (raw: string, fromDomain: string) => `${trustedResults(fromDomain)}\r\n${raw}`;

describe("email handler: real-world MIME (postal-mime fixtures)", () => {
  it.each([
    ["mimetorture.eml", mimeTorture, "rfinnie@domain.dom", "bob@domain.dom", "Ryan Finnie's MIME Torture Test v1.0", 9],
    [
      "calendar-event.eml",
      calendarEvent,
      "andris@postalsys.com",
      "andris@ethereal.email",
      "Invitation: Test event ⏰ @ Thu Apr 11, 2024 11am - 12pm (GMT+3) (andris@ethereal.email)",
      2,
    ],
    [
      "bounce.eml",
      bounce,
      "mailer-daemon@messagingengine.com",
      "andrisreinman@fastmail.com",
      "Undelivered Mail Returned to Sender",
      2,
    ],
    ["arf.eml", arf, "abusedesk@example.com", "abuse@example.net", "FW: Earn money", 2],
  ])(
    "R19: logs %s with its bodies and every attachment kept in R2",
    async (name, raw, sender, contactEmail, subject, attachmentCount) => {
      const p = await provision(`f-${name.replace(/\W/g, "")}`, { ownerEmail: sender });
      expect((await deliver(received(raw, sender.split("@")[1] ?? ""), { to: p.bccAddress })).rejections).toEqual([]);

      const snap = await snapshotLocation(p.locationId);
      expect(snap.contacts.map((c) => [c.email, c.assignedUserId])).toEqual([[contactEmail, p.user.id]]);
      expect(snap.messages).toEqual([
        expect.objectContaining({ subject, fromEmail: sender, direction: "outbound", source: "bcc" }),
      ]);
      expect(snap.messages[0]?.text ?? snap.messages[0]?.html).toBeTruthy();
      expect(snap.attachments).toHaveLength(attachmentCount);
      for (const attachment of snap.attachments) {
        const object = await env.ATTACHMENTS.get(attachment.storageKey ?? "");
        expect(object?.size).toBe(attachment.size);
      }
    },
  );

  it("R22: a real message without Message-ID (arf.eml) is stored under a synthetic one", async () => {
    const p = await provision("f-arf-id", { ownerEmail: "abusedesk@example.com" });
    await deliver(received(arf, "example.com"), { to: p.bccAddress });
    expect((await snapshotLocation(p.locationId)).messages[0]?.messageIdHeader).toMatch(
      /^<bcc\.[0-9a-f]{64}@log\.crm\.test>$/,
    );
  });

  it("R20: a real message without From (mixed.eml) is refused with a reason", async () => {
    const p = await provision("f-mixed");
    expect((await deliver(received(mixed, "agency.example"), { to: p.bccAddress })).rejections).toEqual([
      "The message has no readable From address.",
    ]);
  });
});

describe("email handler: malformed MIME (R24)", () => {
  const head = (extra: string[]) => [
    trustedResults("agency.example"),
    "From: owner@agency.example",
    "To: client@client.example",
    `Message-ID: <${crypto.randomUUID()}@agency.example>`,
    ...extra,
  ];

  it("R24: a multipart without boundary is stored as well as it can be read", async () => {
    const p = await provision("m1");
    const raw = mime(head(["Subject: no boundary", "Content-Type: multipart/mixed"]), [
      "--x",
      "Content-Type: text/plain",
      "",
      "still here",
      "--x--",
    ]);
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([]);
    expect((await snapshotLocation(p.locationId)).messages).toEqual([
      expect.objectContaining({ subject: "no boundary" }),
    ]);
  });

  it("R24: an attachment with broken base64 is stored with what decodes", async () => {
    const p = await provision("m2");
    const raw = mime(head(['Content-Type: multipart/mixed; boundary="b"']), [
      "--b",
      "Content-Type: text/plain",
      "",
      "see attached",
      "--b",
      "Content-Type: application/octet-stream",
      'Content-Disposition: attachment; filename="broken.bin"',
      "Content-Transfer-Encoding: base64",
      "",
      "SGVsbG8@@!!%%==garbage==",
      "--b--",
      "",
    ]);
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([]);
    const snap = await snapshotLocation(p.locationId);
    expect(snap.messages[0]?.text).toContain("see attached");
    expect(snap.attachments).toEqual([
      expect.objectContaining({ filename: "broken.bin", contentType: "application/octet-stream" }),
    ]);
  });

  it("R24: absurdly deep MIME nesting is refused with a reason", async () => {
    const p = await provision("m3");
    const depth = 80;
    const lines: string[] = [];
    for (let i = 0; i < depth; i++) lines.push(`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, "");
    lines.push(`--b${depth}`, "Content-Type: text/plain", "", "deep", `--b${depth}--`);
    for (let i = depth - 1; i >= 0; i--) lines.push(`--b${i}--`);
    const raw = mime(head(['Content-Type: multipart/mixed; boundary="b0"']), lines);
    const { rejections } = await deliver(raw, { to: p.bccAddress });
    expect(rejections).toEqual([
      expect.stringMatching(/^The message could not be parsed: Maximum MIME nesting depth of \d+ levels exceeded\.$/),
    ]);
    expect((await snapshotLocation(p.locationId)).messages).toEqual([]);
  });

  it("R17/R19: a large message (a 3 MiB attachment) is logged whole", async () => {
    const p = await provision("m4");
    const big = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const raw = mime(head(['Content-Type: multipart/mixed; boundary="b"']), [
      "--b",
      "Content-Type: text/plain",
      "",
      "large",
      "--b",
      "Content-Type: application/octet-stream",
      'Content-Disposition: attachment; filename="big.bin"',
      "Content-Transfer-Encoding: base64",
      "",
      base64Lines(big),
      "--b--",
      "",
    ]);
    expect((await deliver(raw, { to: p.bccAddress })).rejections).toEqual([]);
    const [attachment] = (await snapshotLocation(p.locationId)).attachments;
    expect(attachment?.size).toBe(big.byteLength);
    const stored = await env.ATTACHMENTS.get(attachment?.storageKey ?? "");
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(big);
  });
});
