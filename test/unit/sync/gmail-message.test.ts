import type { gmail_v1 } from "@googleapis/gmail";
import { describe, expect, it } from "vitest";
import { MAX_RECIPIENTS_PER_FIELD, toGmailMessage, type GmailMessage } from "../../../src/sync/gmail-message";
import { decodeText, unflowText } from "../../../src/sync/gmail-body";

const b64url = (bytes: Uint8Array | string) => {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  return btoa(String.fromCharCode(...data))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
};
const h = (name: string, value: string) => ({ name, value });
const textPart = (mimeType: string, body: string, charset = "utf-8", partId = "0"): gmail_v1.Schema$MessagePart => ({
  partId,
  mimeType,
  filename: "",
  headers: [h("Content-Type", `${mimeType}; charset="${charset}"`)],
  body: { size: body.length, data: b64url(body) },
});

function message(
  headers: { name: string; value: string }[],
  payload: Partial<gmail_v1.Schema$MessagePart> = {},
): gmail_v1.Schema$Message {
  return {
    id: "m1",
    threadId: "t1",
    labelIds: ["INBOX", "UNREAD"],
    internalDate: "1767225600000",
    payload: { partId: "", mimeType: "text/plain", headers, body: { size: 5, data: b64url("hello") }, ...payload },
  };
}

function parsed(m: gmail_v1.Schema$Message): GmailMessage {
  const result = toGmailMessage(m);
  if ("error" in result) throw new Error(result.error);
  return result;
}

describe("toGmailMessage: headers", () => {
  it("parses addresses with display names, RFC 2047 and mixed case", () => {
    const m = parsed(
      message([
        h("From", "=?UTF-8?B?w4lsaXNl?= <Elise@Example.FR>"),
        h("To", '"Doe, John" <John.Doe@Example.com>, bob@example.com'),
        h("Cc", "Carol <CAROL@example.org>"),
        h("Bcc", "owner@gmail.com"),
        h("Subject", "=?utf-8?Q?Caf=C3=A9?= time"),
        h("Message-ID", "<abc@mail.example>"),
        h("In-Reply-To", "<prev@mail.example>"),
        h("References", "<root@mail.example> <prev@mail.example>"),
        h("Date", "Thu, 01 Jan 2026 10:00:00 +0100"),
      ]),
    );
    expect(m).toMatchObject({ gmailMessageId: "m1", gmailThreadId: "t1", labelIds: ["INBOX", "UNREAD"] });
    expect(m.facts).toMatchObject({
      from: { email: "elise@example.fr", name: "Élise" },
      to: [
        { email: "john.doe@example.com", name: "Doe, John" },
        { email: "bob@example.com", name: null },
      ],
      cc: [{ email: "carol@example.org", name: "Carol" }],
      bcc: [{ email: "owner@gmail.com", name: null }],
      subject: "Café time",
      messageIdHeader: "<abc@mail.example>",
      inReplyTo: "<prev@mail.example>",
      references: ["<root@mail.example>", "<prev@mail.example>"],
      sentAt: Date.UTC(2026, 0, 1, 9, 0, 0),
      text: "hello",
      html: null,
    });
  });

  it.each([
    ["missing Date", [], 1767225600000],
    ["unreadable Date", [h("Date", "not a date")], 1767225600000],
    ["Date with a trailing comment", [h("Date", "Fri, 02 Jan 2026 00:00:00 +0000 (UTC)")], Date.UTC(2026, 0, 2)],
  ])("sentAt: %s", (_label, headers, expected) => {
    expect(parsed(message(headers)).facts.sentAt).toBe(expected);
  });

  it.each([
    ["bracketed", "<a@b>", "<a@b>"],
    ["bare id gets brackets", "a@b", "<a@b>"],
    ["junk without @", "garbage", null],
  ])("Message-ID %s", (_label, value, expected) => {
    expect(parsed(message([h("Message-ID", value)])).facts.messageIdHeader).toBe(expected);
  });

  it("header names match in any case; the first occurrence wins", () => {
    const m = parsed(message([h("SUBJECT", "first"), h("subject", "second"), h("from", "X <x@y.z>")]));
    expect(m.facts.subject).toBe("first");
    expect(m.facts.from).toEqual({ email: "x@y.z", name: "X" });
  });

  it("R24: a huge recipient header is cut to a storable size, not refused", () => {
    const to = Array.from({ length: 5000 }, (_, i) => `r${i}@example.com`).join(", ");
    const m = parsed(message([h("To", to), h("X-Junk", "x".repeat(2_000_000))]));
    expect(m.facts.to).toHaveLength(MAX_RECIPIENTS_PER_FIELD);
  });

  it("refuses a message without ids", () => {
    expect(toGmailMessage({ payload: {} })).toEqual({ error: "message without id or threadId" });
  });
});

describe("toGmailMessage: MIME tree", () => {
  it("picks text and html of multipart/alternative and lists attachments with part ids", () => {
    const m = parsed(
      message([h("Subject", "x")], {
        mimeType: "multipart/mixed",
        body: { size: 0 },
        parts: [
          {
            partId: "0",
            mimeType: "multipart/alternative",
            headers: [],
            parts: [
              textPart("text/plain", "plain body", "utf-8", "0.0"),
              textPart("text/html", "<p>html body</p>", "utf-8", "0.1"),
            ],
          },
          {
            partId: "1",
            mimeType: "application/pdf",
            filename: "report.pdf",
            headers: [h("Content-Disposition", 'attachment; filename="report.pdf"')],
            body: { size: 1234, attachmentId: "ANGjdJ-volatile" },
          },
          {
            partId: "2",
            mimeType: "image/png",
            filename: "logo.png",
            headers: [h("Content-Disposition", "inline"), h("Content-ID", "<logo@x>")],
            body: { size: 99, attachmentId: "ANGjdJ-other" },
          },
          {
            partId: "3",
            mimeType: "image/gif",
            filename: "",
            headers: [h("Content-Type", 'image/gif; name="dot.gif"'), h("Content-ID", "<dot>")],
            body: { size: 43, data: b64url("GIF89a") },
          },
        ],
      }),
    );
    expect(m.facts.text).toBe("plain body");
    expect(m.facts.html).toBe("<p>html body</p>");
    expect(m.facts.attachments).toEqual([
      {
        filename: "report.pdf",
        contentType: "application/pdf",
        size: 1234,
        inline: false,
        contentId: null,
        gmailPartId: "1",
        content: null,
      },
      {
        filename: "logo.png",
        contentType: "image/png",
        size: 99,
        inline: true,
        contentId: "logo@x",
        gmailPartId: "2",
        content: null,
      },
      {
        filename: "dot.gif",
        contentType: "image/gif",
        size: 43,
        inline: true,
        contentId: "dot",
        gmailPartId: "3",
        content: null,
      },
    ]);
  });

  it("a text part marked as attachment is an attachment, not body", () => {
    const m = parsed(
      message([], {
        mimeType: "multipart/mixed",
        parts: [
          textPart("text/plain", "body"),
          {
            ...textPart("text/plain", "notes", "utf-8", "1"),
            filename: "notes.txt",
            headers: [h("Content-Disposition", "attachment")],
          },
        ],
      }),
    );
    expect(m.facts.text).toBe("body");
    expect(m.facts.attachments.map((a) => [a.filename, a.gmailPartId])).toEqual([["notes.txt", "1"]]);
  });

  it("an out-of-line text body stays reachable as an attachment", () => {
    const m = parsed(
      message([], { partId: "", mimeType: "text/html", body: { size: 9_000_000, attachmentId: "big" } }),
    );
    expect(m.facts.html).toBeNull();
    expect(m.facts.attachments).toHaveLength(1);
  });

  it.each([
    ["iso-8859-1", new Uint8Array([0x63, 0x61, 0x66, 0xe9]), "café"],
    ["windows-1252", new Uint8Array([0x80]), "€"],
    ["utf-8", new TextEncoder().encode("żółw"), "żółw"],
    ["x-unknown with UTF-8 bytes", new TextEncoder().encode("naïve"), "naïve"],
    ["x-unknown with latin1 bytes", new Uint8Array([0x6e, 0x61, 0xef, 0x76, 0x65]), "naïve"],
  ])("R24: charset %s decodes", (charset, bytes, expected) => {
    const m = parsed(
      message([], {
        mimeType: "text/plain",
        headers: [h("Content-Type", `text/plain; charset=${charset}`)],
        body: { data: b64url(bytes) },
      }),
    );
    expect(m.facts.text).toBe(expected);
  });

  it("broken base64 and missing bodies never throw", () => {
    const m = parsed(
      message([], {
        mimeType: "multipart/mixed",
        parts: [{ mimeType: "text/plain", body: { data: "%%%@@" } }, { mimeType: "text/html" }],
      }),
    );
    expect(m.facts.text).toBe("");
    expect(m.facts.html).toBeNull();
  });
});

describe("decodeText", () => {
  it("falls back for a missing charset", () => {
    expect(decodeText(new Uint8Array([0xe9]), null)).toBe("é");
  });
});

describe("unflowText (RFC 3676)", () => {
  it.each([
    ["joins soft breaks", "one \r\ntwo\r\nthree", false, "one two\nthree"],
    ["DelSp removes the flowing space", "one \r\ntwo", true, "onetwo"],
    ["space-stuffed lines lose one space", "  indented\r\n From", false, " indented\nFrom"],
    ["a signature separator is not flowed", "text\r\n-- \r\nsig", false, "text\n-- \nsig"],
  ])("%s", (_label, input, delSp, expected) => {
    expect(unflowText(input, delSp)).toBe(expected);
  });
});
