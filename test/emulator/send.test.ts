import type { gmail_v1 } from "@googleapis/gmail";
import { describe, expect, it } from "vitest";
import {
  advanceClock,
  createAccount,
  deliver,
  GOOGLE_ORIGIN,
  loseNextSendAnswer,
  readMailbox,
  setQuota,
  uniqueEmail,
} from "../support/google";
import { base64url, connectedAccount, gmail, postJson, refreshAccess, type GoogleError } from "./helpers";

type Message = gmail_v1.Schema$Message;

function rfc822(headers: Record<string, string>, body = "Hello"): string {
  return `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n")}\r\n\r\n${body}`;
}

const send = (token: string, raw: string, threadId?: string) =>
  gmail<Message>(
    token,
    "/gmail/v1/users/me/messages/send",
    postJson({ raw: base64url(raw), ...(threadId ? { threadId } : {}) }),
  );

describe("emulator: messages.send", () => {
  it("sends raw RFC 822: Sent copy with SENT, From set to the account, Message-ID kept, Bcc kept in Sent only", async () => {
    const { email, token } = await connectedAccount("sender");
    const peer = uniqueEmail("peer");
    await createAccount(peer);
    const res = await send(
      token,
      rfc822({
        From: "Owner Name <someone-else@example.com>",
        To: peer,
        Bcc: "hidden@example.com",
        Subject: "Hello",
        "Message-ID": "<crm-1@crm.test>",
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      threadId: res.body.id,
      labelIds: ["SENT"],
    });
    const box = await readMailbox(email);
    const sent = box.messages.find((m) => m.id === res.body.id)!;
    expect(sent.from).toEqual({ email, name: "Owner Name" });
    expect(sent.messageId).toBe("<crm-1@crm.test>");
    expect(sent.bcc.map((a) => a.email)).toEqual(["hidden@example.com"]);
    const received = (await readMailbox(peer)).messages[0]!;
    expect(received.messageId).toBe("<crm-1@crm.test>");
    expect(received.labelIds).toContain("INBOX");
    expect(received.bcc).toEqual([]);
  });

  it("joins threadId only with References/In-Reply-To naming the thread and a matching subject", async () => {
    const { email, token } = await connectedAccount("threads");
    const original = await deliver(email, {
      from: "ann@example.com",
      to: email,
      subject: "Offer",
      text: "hi",
      messageId: "<offer-1@example.com>",
    });
    const reply = await send(
      token,
      rfc822({
        To: "ann@example.com",
        Subject: "Re: Offer",
        "In-Reply-To": "<offer-1@example.com>",
        References: "<offer-1@example.com>",
      }),
      original.threadId,
    );
    expect(reply.body.threadId).toBe(original.threadId);
    const noHeaders = await send(token, rfc822({ To: "ann@example.com", Subject: "Re: Offer" }), original.threadId);
    expect(noHeaders.body.threadId).not.toBe(original.threadId);
    const otherSubject = await send(
      token,
      rfc822({ To: "ann@example.com", Subject: "Something else", "In-Reply-To": "<offer-1@example.com>" }),
      original.threadId,
    );
    expect(otherSubject.body.threadId).not.toBe(original.threadId);
    const noThreadId = await send(
      token,
      rfc822({ To: "ann@example.com", Subject: "Re: Offer", "In-Reply-To": "<offer-1@example.com>" }),
    );
    expect(noThreadId.body.threadId).not.toBe(original.threadId);
    const unknownThread = await send(token, rfc822({ To: "ann@example.com", Subject: "x" }), "18c0000000000001");
    expect(unknownThread.status).toBe(404);
  });

  it("refuses a send without raw or without recipients, with Gmail's messages", async () => {
    const { token } = await connectedAccount("invalid");
    const noRaw = await gmail<GoogleError>(token, "/gmail/v1/users/me/messages/send", postJson({}));
    expect(noRaw.status).toBe(400);
    expect(noRaw.body.error.message).toBe(
      "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
    );
    const noTo = await send(token, rfc822({ Subject: "nobody" }));
    expect(noTo.status).toBe(400);
    expect((noTo.body as unknown as GoogleError).error.message).toBe("Recipient address required");
  });

  it("upload endpoint: uploadType=media and multipart (metadata with threadId), and the 35 MiB cap", async () => {
    const { email, token } = await connectedAccount("upload");
    const original = await deliver(email, {
      from: "ann@example.com",
      to: email,
      subject: "Big",
      text: "hi",
      messageId: "<big-1@example.com>",
    });
    const media = await gmail<Message>(token, "/upload/gmail/v1/users/me/messages/send?uploadType=media", {
      method: "POST",
      headers: { "content-type": "message/rfc822" },
      body: rfc822({ To: "ann@example.com", Subject: "media" }),
    });
    expect(media.status).toBe(200);
    expect(media.body.labelIds).toEqual(["SENT"]);
    const boundary = "b0undary";
    const multipartBody = [
      `--${boundary}`,
      "Content-Type: application/json; charset=UTF-8",
      "",
      JSON.stringify({ threadId: original.threadId }),
      `--${boundary}`,
      "Content-Type: message/rfc822",
      "",
      rfc822({ To: "ann@example.com", Subject: "Re: Big", "In-Reply-To": "<big-1@example.com>" }),
      `--${boundary}--`,
    ].join("\r\n");
    const multipart = await gmail<Message>(token, "/upload/gmail/v1/users/me/messages/send?uploadType=multipart", {
      method: "POST",
      headers: { "content-type": `multipart/related; boundary=${boundary}` },
      body: multipartBody,
    });
    expect(multipart.status).toBe(200);
    expect(multipart.body.threadId).toBe(original.threadId);
    const wrongType = await gmail<GoogleError>(token, "/upload/gmail/v1/users/me/messages/send?uploadType=media", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    expect(wrongType.status).toBe(400);
    const huge = `${rfc822({ To: "ann@example.com", Subject: "huge" }, "")}${"a".repeat(36_700_161)}`;
    const tooBig = await gmail<GoogleError>(token, "/upload/gmail/v1/users/me/messages/send?uploadType=media", {
      method: "POST",
      headers: { "content-type": "message/rfc822" },
      body: huge,
    });
    expect(tooBig.status).toBe(413);
  });

  it("answers Gmail's sending-limit error (429, retry time) past the daily limit, until 24 h have passed", async () => {
    const { email, token, refreshToken } = await connectedAccount("limit");
    await setQuota(email, { dailySendLimit: 2 });
    expect((await send(token, rfc822({ To: "a@example.com", Subject: "1" }))).status).toBe(200);
    expect((await send(token, rfc822({ To: "a@example.com", Subject: "2" }))).status).toBe(200);
    const refused = await send(token, rfc822({ To: "a@example.com", Subject: "3" }));
    expect(refused.status).toBe(429);
    const error = (refused.body as unknown as GoogleError).error;
    expect(error.errors[0]).toMatchObject({ reason: "rateLimitExceeded", domain: "usageLimits" });
    const retryAt = /Retry after (\S+)/.exec(error.message)![1]!;
    expect(Date.parse(retryAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    expect((await readMailbox(email)).messages).toHaveLength(2);
    await advanceClock(email, 24 * 3600 * 1000 + 1000);
    expect((await send(await refreshAccess(refreshToken), rfc822({ To: "a@example.com", Subject: "4" }))).status).toBe(
      200,
    );
  });

  it("commits a send then loses its answer: the client sees a 500, the email is in Sent", async () => {
    const { email, token } = await connectedAccount("lost");
    await loseNextSendAnswer(email);
    const lost = await send(token, rfc822({ To: "a@example.com", Subject: "lost", "Message-ID": "<lost-1@crm.test>" }));
    expect(lost.status).toBe(500);
    const box = await readMailbox(email);
    expect(box.messages.map((m) => m.messageId)).toEqual(["<lost-1@crm.test>"]);
    const search = await gmail<gmail_v1.Schema$ListMessagesResponse>(
      token,
      `/gmail/v1/users/me/messages?q=${encodeURIComponent("in:sent rfc822msgid:<lost-1@crm.test>")}`,
    );
    expect(search.body.messages).toHaveLength(1);
    expect((await send(token, rfc822({ To: "a@example.com", Subject: "next" }))).status).toBe(200);
  });
});

describe("emulator: JSON raw accepts base64url", () => {
  it("rejects raw that is not base64", async () => {
    const { token } = await connectedAccount("b64");
    const res = await fetch(`${GOOGLE_ORIGIN}/gmail/v1/users/me/messages/send`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ raw: "***" }),
    });
    expect(res.status).toBe(400);
  });
});
