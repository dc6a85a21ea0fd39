import type { gmail_v1 } from "@googleapis/gmail";
import { describe, expect, it } from "vitest";
import {
  advanceClock,
  consent,
  createAccount,
  deleteMessage,
  deliver,
  GOOGLE_ORIGIN,
  loseNextSendAnswer,
  pullPushes,
  readMailbox,
  sendAsOwner,
  setLabels,
  uniqueEmail,
} from "../support/google";
import { authorizationUrl } from "../support/google-oauth";
import { TEST_GOOGLE } from "../support/google";
import { connectedAccount, gmail } from "./helpers";

describe("emulator: control API", () => {
  it("creates accounts idempotently and reads a mailbox back: headers, text, html, attachments, threads", async () => {
    const email = uniqueEmail("read");
    const first = await createAccount(email, "Read Owner");
    expect(await createAccount(email)).toEqual(first);
    await deliver(email, {
      from: { email: "ann@example.com", name: "Ann Example" },
      to: [email],
      cc: ["cc@example.com"],
      subject: "Files",
      text: "see attached",
      html: "<b>see attached</b>",
      attachments: [{ filename: "a.txt", contentType: "text/plain", contentBase64: btoa("hello") }],
    });
    const box = await readMailbox(email);
    expect(box.email).toBe(email);
    expect(box.name).toBe("Read Owner");
    const [message] = box.messages;
    expect(message).toMatchObject({
      subject: "Files",
      from: { email: "ann@example.com", name: "Ann Example" },
      to: [{ email }],
      cc: [{ email: "cc@example.com" }],
      text: "see attached",
      html: "<b>see attached</b>",
      labelIds: ["INBOX", "UNREAD", "CATEGORY_PERSONAL"],
      attachments: [{ filename: "a.txt", mimeType: "text/plain", size: 5, contentBase64: btoa("hello") }],
    });
    expect(box.threads).toEqual([{ id: message!.threadId, messageIds: [message!.id] }]);
  });

  it("delivers raw RFC 822 to any label", async () => {
    const email = uniqueEmail("raw");
    await createAccount(email);
    const m = await deliver(email, {
      raw: "From: x@example.com\nTo: y@example.com\nSubject: Raw one\nMessage-ID: <raw-1@example.com>\n\nbody\n",
      labelIds: ["TRASH"],
    });
    expect(m).toMatchObject({ subject: "Raw one", messageId: "<raw-1@example.com>", labelIds: ["TRASH"] });
  });

  it("sends as the owner from Gmail's interface; a reply is threaded like Gmail's UI does it", async () => {
    const { email, token } = await connectedAccount("owner-ui");
    const peer = uniqueEmail("peer-ui");
    await createAccount(peer);
    const incoming = await deliver(email, { from: peer, to: email, subject: "Question", text: "?" });
    const reply = await sendAsOwner(email, { to: peer, text: "answer", replyToMessageId: incoming.id });
    expect(reply).toMatchObject({
      threadId: incoming.threadId,
      subject: "Re: Question",
      inReplyTo: incoming.messageId,
      labelIds: ["SENT"],
    });
    expect(reply.from!.email).toBe(email);
    const peerBox = await readMailbox(peer);
    expect(peerBox.messages[0]).toMatchObject({ subject: "Re: Question", inReplyTo: incoming.messageId });
    const thread = (
      await gmail<gmail_v1.Schema$Thread>(token, `/gmail/v1/users/me/threads/${incoming.threadId}?format=minimal`)
    ).body;
    expect(thread.messages!.map((m) => m.id)).toEqual([incoming.id, reply.id]);
  });

  it("label changes and deletions appear in history as labelAdded / labelRemoved / messageDeleted", async () => {
    const { email, token } = await connectedAccount("changes");
    const start = (await gmail<{ historyId: string }>(token, "/gmail/v1/users/me/profile")).body.historyId;
    const m = await deliver(email, { from: "a@example.com", to: email, subject: "s", text: "x" });
    await setLabels(email, m.id, { remove: ["UNREAD"] });
    await deleteMessage(email, m.id);
    const history = (
      await gmail<gmail_v1.Schema$ListHistoryResponse>(token, `/gmail/v1/users/me/history?startHistoryId=${start}`)
    ).body.history!;
    expect(history.map((h) => Object.keys(h).filter((k) => k !== "id" && k !== "messages"))).toEqual([
      ["messagesAdded"],
      ["labelsRemoved"],
      ["messagesDeleted"],
    ]);
    expect((await gmail(token, `/gmail/v1/users/me/messages/${m.id}`)).status).toBe(404);
  });

  it("advances one account's clock without touching another's", async () => {
    const a = uniqueEmail("clock-a");
    const b = uniqueEmail("clock-b");
    await createAccount(a);
    await createAccount(b);
    const moved = await advanceClock(a, 3_600_000);
    expect(Date.parse(moved.now) - Date.now()).toBeGreaterThan(3_590_000);
    expect(Date.parse((await readMailbox(b)).now) - Date.now()).toBeLessThan(10_000);
  });

  it("consent for an unknown account is refused, and for a bad request returns Google's error", async () => {
    const url = authorizationUrl({
      client_id: TEST_GOOGLE.clientId,
      redirect_uri: TEST_GOOGLE.redirectUri,
      response_type: "code",
      scope: "openid email",
    });
    await expect(consent(url, uniqueEmail("ghost"))).rejects.toThrow(/404/);
    const bad = authorizationUrl({
      client_id: TEST_GOOGLE.clientId,
      redirect_uri: TEST_GOOGLE.redirectUri,
      response_type: "code",
      scope: "openid https://example.com/bogus",
    });
    const res = await fetch(`${GOOGLE_ORIGIN}/__emulator/oauth/consent`, {
      method: "POST",
      body: JSON.stringify({ authorizationUrl: bad, account: uniqueEmail() }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_scope" });
  });

  it("registers an OAuth client and a push subscription for another topic", async () => {
    const clientId = `client-${crypto.randomUUID()}.apps.googleusercontent.com`;
    const redirectUri = "http://other.test/callback";
    const post = (path: string, body: unknown) =>
      fetch(`${GOOGLE_ORIGIN}/__emulator${path}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post("/clients", { clientId, clientSecret: "s3cret", redirectUris: [redirectUri] })).status).toBe(
      200,
    );
    const topic = `projects/other-${crypto.randomUUID().slice(0, 8)}/topics/gmail`;
    const subscription = {
      name: topic.replace("/topics/", "/subscriptions/"),
      topic,
      endpoint: "http://other.test/push",
      audience: "other-aud",
      serviceAccountEmail: "sa@other.iam.gserviceaccount.com",
    };
    expect((await post("/pubsub/subscriptions", subscription)).status).toBe(200);
    const email = uniqueEmail("other-client");
    await createAccount(email);
    const redirect = new URL(
      await consent(
        authorizationUrl({
          client_id: clientId,
          redirect_uri: redirectUri,
          response_type: "code",
          scope: "openid https://mail.google.com/",
        }),
        email,
      ),
    );
    const token = await fetch(`${GOOGLE_ORIGIN}/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${clientId}:s3cret`)}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: redirect.searchParams.get("code")!,
        redirect_uri: redirectUri,
      }),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const watch = await gmail(access_token, "/gmail/v1/users/me/watch", {
      method: "POST",
      body: JSON.stringify({ topicName: topic }),
    });
    expect(watch.status).toBe(200);
    await deliver(email, { from: "a@example.com", to: email, subject: "s", text: "x" });
    const [push] = await pullPushes(email);
    expect(push!.url).toBe("http://other.test/push");
    expect(JSON.parse(push!.body)).toMatchObject({ subscription: subscription.name });
  });

  it("loses a send's answer after a hang: the client gives up, the email is sent", async () => {
    const { email, token } = await connectedAccount("lost-hang");
    await loseNextSendAnswer(email, "hang", 5_000);
    const raw = btoa("To: a@example.com\r\nSubject: hang\r\n\r\nx")
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    const call = fetch(`${GOOGLE_ORIGIN}/gmail/v1/users/me/messages/send`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ raw }),
      signal: AbortSignal.timeout(300),
    });
    await expect(call).rejects.toThrow();
    expect((await readMailbox(email)).messages.map((m) => m.subject)).toEqual(["hang"]);
  });
});
