import { describe, expect, it } from "vitest";
import { advanceClock, deliver, PUSH_SPACING_MS } from "../support/google";
import { messagesOf, pushAndSync } from "../sync/support";
import { connectedSender, send, sentInGmail } from "./support";

/*
 * Reading 14: a reply from the CRM never fails because of what a contact's earlier message carried. The
 * contact's mail reaches Gmail raw, the sync stores it, and the CRM user replies to it through the API.
 */
const SUBJECT_WITH_CRLF = `=?UTF-8?B?${btoa("Invoice\r\nBcc: everyone@evil.test")}?=`;

describe("reading 14: replies to whatever a contact sent", () => {
  it("reading 14: a non-ASCII and an over-long Message-ID are left out of In-Reply-To/References; CR/LF of a subject become spaces", async () => {
    const sender = await connectedSender();
    const nonAscii = "<ünïcode@client.test>";
    const overLong = `<${"x".repeat(950)}@client.test>`;
    await advanceClock(sender.address, PUSH_SPACING_MS);
    await deliver(sender.address, {
      raw:
        `From: Carl <${sender.contactEmail}>\r\nTo: ${sender.address}\r\nSubject: ${SUBJECT_WITH_CRLF}\r\n` +
        `Date: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: ${nonAscii}\r\nReferences: <ok@client.test> ${overLong}\r\n` +
        "Content-Type: text/plain; charset=utf-8\r\n\r\nplease pay",
    });
    await pushAndSync(sender.address);
    const [inbound] = await messagesOf(sender.locationId, sender.contactId);
    expect(inbound?.subject).toBe("Invoice  Bcc: everyone@evil.test");

    const reply = await send(sender, { text: "paid", inReplyTo: inbound?.id });
    expect(reply.status).toBe(201);
    const [sent] = await sentInGmail(sender.address);
    expect(sent?.subject).toBe("Re: Invoice  Bcc: everyone@evil.test");
    expect(sent?.inReplyTo).toBeNull();
    expect(sent?.references).toBeNull();
    expect(sent?.to.map((a) => a.email)).toEqual([sender.contactEmail]);
  });
});
