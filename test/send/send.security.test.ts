import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contacts, users } from "../../src/db/schema";
import { env } from "cloudflare:workers";
import { directoryDb } from "../../src/db/database";
import { testDb } from "../support/rows";
import { readMailbox } from "../support/google";
import { connectedSender, send, sentInGmail } from "./support";

const BREAKS: [string, string][] = [
  ["CRLF", "\r\n"],
  ["LF", "\n"],
  ["CR", "\r"],
  ["NUL", "\u0000"],
  ["NEL", "\u0085"],
  ["LINE SEPARATOR", "\u2028"],
  ["PARAGRAPH SEPARATOR", "\u2029"],
];

const injected = (brk: string) => `Hello${brk}Bcc: victim@evil.test${brk}X-Injected: yes`;

/** Nothing reached Gmail, and no header of ours was added anywhere. */
async function expectNothingSent(address: string) {
  expect(await sentInGmail(address)).toHaveLength(0);
  const box = await readMailbox(address);
  expect(box.messages.flatMap((m) => m.headers.map((h) => h.name.toLowerCase()))).not.toContain("x-injected");
}

describe("header injection is impossible (R13)", () => {
  it.each(BREAKS)("R13: a %s in the subject is refused 400, nothing sent", async (_name, brk) => {
    const sender = await connectedSender();
    const res = await send(sender, { subject: injected(brk), text: "x" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_request" });
    expect(JSON.stringify(res.body.error?.details)).toContain("subject");
    await expectNothingSent(sender.address);
  });

  it.each(BREAKS)("R13: a %s in an attachment filename is refused 400, nothing sent", async (_name, brk) => {
    const sender = await connectedSender();
    const res = await send(sender, {
      text: "x",
      attachments: [{ filename: injected(brk), contentType: "text/plain", contentBase64: "aGk=" }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("invalid_request");
    expect(JSON.stringify(res.body.error?.details)).toContain("filename");
    await expectNothingSent(sender.address);
  });

  it.each([
    ["a line break", "text/plain\r\nBcc: victim@evil.test"],
    ["a parameter", 'text/plain; name="x"'],
    ["no subtype", "text"],
  ])("R13: a content type with %s is refused 400", async (_name, contentType) => {
    const sender = await connectedSender();
    const res = await send(sender, {
      text: "x",
      attachments: [{ filename: "a.txt", contentType, contentBase64: "aGk=" }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("invalid_request");
    await expectNothingSent(sender.address);
  });

  it.each([
    ["cc", "ok@client.test\r\nBcc: victim@evil.test"],
    ["cc", "Name <ok@client.test>"],
    ["bcc", "ok@client.test, victim@evil.test"],
    ["bcc", "ok\u2028x@client.test"],
  ])("R13: %s %j is no plain address: 400, nothing sent", async (field, value) => {
    const sender = await connectedSender();
    const res = await send(sender, { text: "x", [field]: [value] });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("invalid_request");
    expect(JSON.stringify(res.body.error?.details)).toContain(field);
    await expectNothingSent(sender.address);
  });

  it("R13: more than 100 recipients in all is refused 400", async () => {
    const sender = await connectedSender();
    const cc = Array.from({ length: 60 }, (_, i) => `cc${i}@client.test`);
    const bcc = Array.from({ length: 40 }, (_, i) => `bcc${i}@client.test`);
    const res = await send(sender, { text: "x", cc, bcc });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/invalid/);
    await expectNothingSent(sender.address);
  });

  it.each(BREAKS)(
    "R13: a %s in the user's stored name is refused 400 (from.name), nothing sent",
    async (_name, brk) => {
      const sender = await connectedSender();
      await directoryDb(env)
        .update(users)
        .set({ name: injected(brk) })
        .where(eq(users.id, sender.userId))
        .run();
      const res = await send(sender, { text: "x" });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe("invalid_request");
      expect(JSON.stringify(res.body.error?.details)).toContain("from");
      await expectNothingSent(sender.address);
    },
  );

  it.each(BREAKS)(
    "R13: a %s in the contact's stored name is refused 400 (to.name), nothing sent",
    async (_name, brk) => {
      const sender = await connectedSender();
      await (await testDb(sender.locationId))
        .update(contacts)
        .set({ name: injected(brk) })
        .where(eq(contacts.id, sender.contactId))
        .run();
      const res = await send(sender, { text: "x" });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe("invalid_request");
      expect(JSON.stringify(res.body.error?.details)).toContain("to");
      await expectNothingSent(sender.address);
    },
  );

  it("R13: the same injections are refused on the location provider's path too", async () => {
    const sender = await connectedSender();
    await (await testDb(sender.locationId))
      .update(contacts)
      .set({ name: injected("\r\n") })
      .where(eq(contacts.id, sender.contactId))
      .run();
    const res = await send(sender, { kind: "bulk", text: "x" });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("invalid_request");
  });

  it("no field of the body can add a header: unknown fields are ignored, never written", async () => {
    const sender = await connectedSender();
    const res = await send(sender, { text: "x", headers: { "X-Injected": "yes" }, "X-Injected": "yes" });
    expect(res.status).toBe(201);
    const [sent] = await sentInGmail(sender.address);
    expect(sent?.headers.map((h) => h.name.toLowerCase())).not.toContain("x-injected");
  });
});
