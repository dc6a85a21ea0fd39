import type { gmail_v1 } from "@googleapis/gmail";
import { describe, expect, it } from "vitest";
import { counters, deliver, deleteMessage, ownerAction, pullPushes, readMailbox, TEST_GOOGLE } from "../support/google";
import { connectedAccount, gmail, postJson, type GoogleError } from "./helpers";

type History = gmail_v1.Schema$ListHistoryResponse;

async function historySince(token: string, start: string): Promise<gmail_v1.Schema$History[]> {
  const types = "historyTypes=labelAdded&historyTypes=labelRemoved&historyTypes=messageDeleted";
  return (
    (await gmail<History>(token, `/gmail/v1/users/me/history?startHistoryId=${start}&${types}`)).body.history ?? []
  );
}

describe("emulator: messages.modify, batchModify, trash, untrash, delete (R26)", () => {
  it("modify answers the new labels and writes labelsRemoved / labelsAdded history with the message's labels", async () => {
    const { email, token } = await connectedAccount("modify");
    const d = await deliver(email, { from: "ann@example.com", to: email, subject: "Hi", text: "x" });
    const read = await gmail<gmail_v1.Schema$Message>(
      token,
      `/gmail/v1/users/me/messages/${d.id}/modify`,
      postJson({ removeLabelIds: ["UNREAD"] }),
    );
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ id: d.id, threadId: d.threadId, labelIds: ["INBOX", "CATEGORY_PERSONAL"] });
    await gmail(token, `/gmail/v1/users/me/messages/${d.id}/modify`, postJson({ addLabelIds: ["UNREAD", "STARRED"] }));
    const history = await historySince(token, d.historyId);
    expect(history.map((h) => Object.keys(h).filter((k) => k !== "id" && k !== "messages"))).toEqual([
      ["labelsRemoved"],
      ["labelsAdded"],
    ]);
    expect(history[0]!.labelsRemoved).toEqual([
      { message: { id: d.id, threadId: d.threadId, labelIds: ["INBOX", "CATEGORY_PERSONAL"] }, labelIds: ["UNREAD"] },
    ]);
    expect(history[1]!.labelsAdded![0]!.labelIds).toEqual(["UNREAD", "STARRED"]);
    expect((await counters(email)).units["users.messages.modify"]).toBe(10);
  });

  it("modify refuses labels Gmail sets itself or does not know, ids that cannot be ids, and gone messages", async () => {
    const { email, token } = await connectedAccount("modifybad");
    const d = await deliver(email, { from: "ann@example.com", to: email, subject: "Hi", text: "x" });
    const sent = await gmail<GoogleError>(
      token,
      `/gmail/v1/users/me/messages/${d.id}/modify`,
      postJson({ addLabelIds: ["SENT"] }),
    );
    expect([sent.status, sent.body.error.message]).toEqual([400, "Invalid label: SENT"]);
    const unknown = await gmail<GoogleError>(
      token,
      `/gmail/v1/users/me/messages/${d.id}/modify`,
      postJson({ addLabelIds: ["Label_9"] }),
    );
    expect(unknown.status).toBe(400);
    expect((await gmail(token, "/gmail/v1/users/me/messages/zz!/modify", postJson({}))).status).toBe(400);
    expect(
      (await gmail(token, "/gmail/v1/users/me/messages/abcdef0123/modify", postJson({ removeLabelIds: ["UNREAD"] })))
        .status,
    ).toBe(404);
    expect((await readMailbox(email)).messages[0]!.labelIds).toEqual(["INBOX", "UNREAD", "CATEGORY_PERSONAL"]);
  });

  it("a label change of an Inbox message pushes a notification (watched label), as Gmail does", async () => {
    const { email, token } = await connectedAccount("modifypush");
    const d = await deliver(email, { from: "ann@example.com", to: email, subject: "Hi", text: "x" });
    await gmail(
      token,
      "/gmail/v1/users/me/watch",
      postJson({ topicName: TEST_GOOGLE.topic, labelIds: ["INBOX", "SENT"] }),
    );
    await gmail(token, `/gmail/v1/users/me/messages/${d.id}/modify`, postJson({ removeLabelIds: ["UNREAD"] }));
    const pushes = await pullPushes(email);
    expect(pushes).toHaveLength(1);
    const data = JSON.parse(atob((JSON.parse(pushes[0]!.body) as { message: { data: string } }).message.data)) as {
      historyId: number;
    };
    expect(String(data.historyId)).toBe((await readMailbox(email)).historyId);
  });

  it("batchModify changes every named message (204, 50 units), trash and untrash move in and out of Trash", async () => {
    const { email, token } = await connectedAccount("batchmod");
    const a = await deliver(email, { from: "ann@example.com", to: email, subject: "A", text: "x" });
    const b = await deliver(email, { from: "ann@example.com", to: email, subject: "B", text: "x" });
    const batch = await gmail(
      token,
      "/gmail/v1/users/me/messages/batchModify",
      postJson({ ids: [a.id, b.id], removeLabelIds: ["UNREAD"] }),
    );
    expect(batch.status).toBe(204);
    const trashed = await gmail<gmail_v1.Schema$Message>(token, `/gmail/v1/users/me/messages/${a.id}/trash`, {
      method: "POST",
    });
    expect(trashed.body.labelIds).toEqual(["CATEGORY_PERSONAL", "TRASH"]);
    const restored = await gmail<gmail_v1.Schema$Message>(token, `/gmail/v1/users/me/messages/${a.id}/untrash`, {
      method: "POST",
    });
    expect(restored.body.labelIds).toEqual(["CATEGORY_PERSONAL", "INBOX"]);
    const units = (await counters(email)).units;
    expect([
      units["users.messages.batchModify"],
      units["users.messages.trash"],
      units["users.messages.untrash"],
    ]).toEqual([50, 5, 5]);
    const history = await historySince(token, b.historyId);
    expect(
      history.flatMap((h) => [...(h.labelsAdded ?? []), ...(h.labelsRemoved ?? [])].map((e) => e.labelIds)),
    ).toEqual([["UNREAD"], ["UNREAD"], ["TRASH"], ["INBOX"], ["INBOX"], ["TRASH"]]);
  });

  it("delete needs the full mail scope, answers 204 and writes messagesDeleted; the message is gone", async () => {
    const limited = await connectedAccount("delscope");
    const m = await deliver(limited.email, { from: "ann@example.com", to: limited.email, subject: "A", text: "x" });
    expect((await gmail(limited.token, `/gmail/v1/users/me/messages/${m.id}`, { method: "DELETE" })).status).toBe(403);
    const { email, token } = await connectedAccount("delete", ["https://mail.google.com/"]);
    const d = await deliver(email, { from: "ann@example.com", to: email, subject: "A", text: "x" });
    expect((await gmail(token, `/gmail/v1/users/me/messages/${d.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await gmail(token, `/gmail/v1/users/me/messages/${d.id}`)).status).toBe(404);
    const history = await historySince(token, d.historyId);
    expect(history.map((h) => h.messagesDeleted?.[0]?.message?.id)).toEqual([d.id]);
    expect((await counters(email)).units["users.messages.delete"]).toBe(10);
  });

  it("control verbs act as the owner in Gmail's interface: read, unread, trash, restore (no API quota)", async () => {
    const { email, token } = await connectedAccount("owneract");
    const d = await deliver(email, { from: "ann@example.com", to: email, subject: "A", text: "x" });
    expect((await ownerAction(email, d.id, "read")).message.labelIds).toEqual(["INBOX", "CATEGORY_PERSONAL"]);
    expect((await ownerAction(email, d.id, "unread")).message.labelIds).toContain("UNREAD");
    expect((await ownerAction(email, d.id, "trash")).message.labelIds).toContain("TRASH");
    expect((await ownerAction(email, d.id, "restore")).message.labelIds).toEqual([
      "CATEGORY_PERSONAL",
      "UNREAD",
      "INBOX",
    ]);
    await deleteMessage(email, d.id);
    expect((await historySince(token, d.historyId)).length).toBe(7);
    expect(Object.keys((await counters(email)).units)).toEqual(["users.history.list"]);
  });
});
