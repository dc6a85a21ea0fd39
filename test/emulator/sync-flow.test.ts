import { jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { advanceClock, deliver, pullPushes, raiseRetentionFloor, setLabels, TEST_GOOGLE } from "../support/google";
import { connectedAccount, refreshAccess, gmail, googleJwks, postJson, type GoogleError } from "./helpers";

interface HistoryPage {
  history?: Array<{
    id: string;
    messages: Array<{ id: string }>;
    messagesAdded?: Array<{ message: { id: string; labelIds: string[] } }>;
    labelsAdded?: Array<{ labelIds: string[] }>;
  }>;
  historyId: string;
  nextPageToken?: string;
}

const watchBody = { topicName: TEST_GOOGLE.topic, labelIds: ["INBOX", "SENT"], labelFilterBehavior: "include" };

describe("emulator: watch → delivery → signed push → history.list → messages.get", () => {
  it("runs the whole Gmail push sync loop", async () => {
    const { email, token } = await connectedAccount("loop");
    const profile = await gmail<{ emailAddress: string; historyId: string }>(token, "/gmail/v1/users/me/profile");
    expect(profile.body.emailAddress).toBe(email);

    const watch = await gmail<{ historyId: string; expiration: string }>(
      token,
      "/gmail/v1/users/me/watch",
      postJson(watchBody),
    );
    expect(watch.status).toBe(200);
    expect(watch.body.historyId).toBe(profile.body.historyId);
    const sevenDays = 7 * 24 * 3600 * 1000;
    expect(Number(watch.body.expiration) - Date.now()).toBeGreaterThan(sevenDays - 60_000);
    expect(Number(watch.body.expiration) - Date.now()).toBeLessThanOrEqual(sevenDays);

    const delivered = await deliver(email, {
      from: { email: "ann@example.com", name: "Ann" },
      to: email,
      subject: "Quote",
      text: "Price is 10",
    });

    const [push, ...rest] = await pullPushes(email);
    expect(rest).toEqual([]);
    expect(push!.url).toBe(TEST_GOOGLE.pushEndpoint);
    expect(push!.headers["content-type"]).toBe("application/json");
    const token_ = push!.headers.authorization!.replace(/^Bearer /, "");
    const { payload } = await jwtVerify(token_, googleJwks, {
      issuer: "https://accounts.google.com",
      audience: TEST_GOOGLE.pushAudience,
    });
    expect(payload).toMatchObject({ email: TEST_GOOGLE.pushServiceAccount, email_verified: true });
    expect(payload.exp! - payload.iat!).toBe(3600);
    const body = JSON.parse(push!.body) as { message: Record<string, string>; subscription: string };
    expect(body.subscription).toBe(TEST_GOOGLE.subscription);
    expect(body.message.messageId).toBe(body.message.message_id);
    expect(body.message.publishTime).toBe(body.message.publish_time);
    const data = JSON.parse(atob(body.message.data!)) as { emailAddress: string; historyId: number };
    expect(data).toEqual({ emailAddress: email, historyId: Number(delivered.historyId) });

    const history = await gmail<HistoryPage>(
      token,
      `/gmail/v1/users/me/history?startHistoryId=${watch.body.historyId}&historyTypes=messageAdded`,
    );
    expect(history.status).toBe(200);
    expect(history.body.historyId).toBe(delivered.historyId);
    expect(history.body.history).toHaveLength(1);
    expect(history.body.history![0]!.messagesAdded![0]!.message).toMatchObject({
      id: delivered.id,
      labelIds: expect.arrayContaining(["INBOX", "UNREAD"]),
    });

    const message = await gmail<{
      id: string;
      payload: { headers: Array<{ name: string; value: string }> };
      snippet: string;
    }>(token, `/gmail/v1/users/me/messages/${delivered.id}`);
    expect(message.body.snippet).toBe("Price is 10");
    expect(message.body.payload.headers).toContainEqual({ name: "From", value: '"Ann" <ann@example.com>' });
  });

  it("history ids grow with gaps, records come oldest first, and pages follow nextPageToken", async () => {
    const { email, token } = await connectedAccount("pages");
    const start = (await gmail<{ historyId: string }>(token, "/gmail/v1/users/me/profile")).body.historyId;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await deliver(email, { from: "b@example.com", to: email, subject: `m${i}`, text: "x" })).id);
    const first = await gmail<HistoryPage>(token, `/gmail/v1/users/me/history?startHistoryId=${start}&maxResults=2`);
    expect(first.body.history!.map((h) => h.messages[0]!.id)).toEqual(ids.slice(0, 2));
    const recordIds = first.body.history!.map((h) => Number(h.id));
    expect(recordIds[1]! > recordIds[0]!).toBe(true);
    const second = await gmail<HistoryPage>(
      token,
      `/gmail/v1/users/me/history?startHistoryId=${start}&maxResults=2&pageToken=${first.body.nextPageToken}`,
    );
    expect(second.body.history!.map((h) => h.messages[0]!.id)).toEqual(ids.slice(2, 4));
    const third = await gmail<HistoryPage>(
      token,
      `/gmail/v1/users/me/history?startHistoryId=${start}&maxResults=2&pageToken=${second.body.nextPageToken}`,
    );
    expect(third.body.history!.map((h) => h.messages[0]!.id)).toEqual(ids.slice(4));
    expect(third.body).not.toHaveProperty("nextPageToken");
    const empty = await gmail<HistoryPage>(token, `/gmail/v1/users/me/history?startHistoryId=${third.body.historyId}`);
    expect(empty.body).toEqual({ historyId: third.body.historyId });
  });

  it("filters history by labelId and historyTypes (a message moved out of SPAM is a labelAdded INBOX)", async () => {
    const { email, token } = await connectedAccount("labels");
    const start = (await gmail<{ historyId: string }>(token, "/gmail/v1/users/me/profile")).body.historyId;
    const spam = await deliver(email, {
      from: "c@example.com",
      to: email,
      subject: "spam?",
      text: "x",
      labelIds: ["SPAM", "UNREAD"],
    });
    await setLabels(email, spam.id, { add: ["INBOX"], remove: ["SPAM"] });
    const inbox = await gmail<HistoryPage>(
      token,
      `/gmail/v1/users/me/history?startHistoryId=${start}&labelId=INBOX&historyTypes=labelAdded`,
    );
    expect(inbox.body.history).toHaveLength(1);
    expect(inbox.body.history![0]!.labelsAdded![0]!.labelIds).toEqual(["INBOX"]);
    const added = await gmail<HistoryPage>(
      token,
      `/gmail/v1/users/me/history?startHistoryId=${start}&historyTypes=messageAdded`,
    );
    expect(added.body.history).toHaveLength(1);
  });

  it("answers 404 for a cursor below the retention floor, raised by the control API or by a week passing", async () => {
    const { email, token, refreshToken } = await connectedAccount("floor");
    const start = (await gmail<{ historyId: string }>(token, "/gmail/v1/users/me/profile")).body.historyId;
    await deliver(email, { from: "d@example.com", to: email, subject: "s", text: "x" });
    const raised = await raiseRetentionFloor(email);
    const gone = await gmail<GoogleError>(token, `/gmail/v1/users/me/history?startHistoryId=${start}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toEqual({
      code: 404,
      message: "Requested entity was not found.",
      errors: [{ message: "Requested entity was not found.", domain: "global", reason: "notFound" }],
      status: "NOT_FOUND",
    });
    expect((await gmail(token, `/gmail/v1/users/me/history?startHistoryId=${raised.historyId}`)).status).toBe(200);

    const fresh = (await gmail<{ historyId: string }>(token, "/gmail/v1/users/me/profile")).body.historyId;
    await deliver(email, { from: "d@example.com", to: email, subject: "s2", text: "x" });
    await advanceClock(email, 8 * 24 * 3600 * 1000);
    const renewed = { access_token: await refreshAccess(refreshToken) };
    const expired = await gmail<GoogleError>(
      renewed.access_token,
      `/gmail/v1/users/me/history?startHistoryId=${fresh}`,
    );
    expect(expired.status).toBe(404);
    const now = (await gmail<{ historyId: string }>(renewed.access_token, "/gmail/v1/users/me/profile")).body.historyId;
    expect((await gmail(renewed.access_token, `/gmail/v1/users/me/history?startHistoryId=${now}`)).status).toBe(200);
  });

  it("checks parameters as Google's front end does: unknown names and bad values are 400s", async () => {
    const { token } = await connectedAccount("params");
    const unknown = await gmail<GoogleError>(token, "/gmail/v1/users/me/history?startHistoryId=1&since=2");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('Unknown name "since"');
    const badInt = await gmail<GoogleError>(token, "/gmail/v1/users/me/history?startHistoryId=1&maxResults=abc");
    expect(badInt.status).toBe(400);
    const badType = await gmail<GoogleError>(
      token,
      "/gmail/v1/users/me/history?startHistoryId=1&historyTypes=messageMoved",
    );
    expect(badType.status).toBe(400);
    const missing = await gmail<GoogleError>(token, "/gmail/v1/users/me/history");
    expect(missing.status).toBe(400);
    expect(missing.body.error.errors[0]!.reason).toBe("required");
    const other = await gmail<GoogleError>(token, "/gmail/v1/users/someone.else@gmail.com/profile");
    expect(other.status).toBe(403);
  });

  it("refuses a watch on a topic it cannot publish to, or a malformed topic", async () => {
    const { token } = await connectedAccount("topic");
    const wrong = await gmail<GoogleError>(
      token,
      "/gmail/v1/users/me/watch",
      postJson({ topicName: "projects/other/topics/gmail" }),
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toContain("User not authorized to perform this action.");
    const malformed = await gmail<GoogleError>(token, "/gmail/v1/users/me/watch", postJson({ topicName: "gmail" }));
    expect(malformed.status).toBe(400);
    const missing = await gmail<GoogleError>(token, "/gmail/v1/users/me/watch", postJson({}));
    expect(missing.body.error.message).toBe("topicName required");
  });
});
