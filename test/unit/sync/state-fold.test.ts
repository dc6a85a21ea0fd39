import { describe, expect, it } from "vitest";
import { applyStateChange, foldStateChanges, stateOfLabels } from "../../../src/sync/state-fold";

const message = (id: string, labelIds?: string[]) => ({ id, threadId: id, ...(labelIds ? { labelIds } : {}) });

describe("R26: foldStateChanges", () => {
  it("R26: the newest record of a page wins, field by field, from the labels the record carries", () => {
    const changes = foldStateChanges([
      { id: "1", labelsRemoved: [{ message: message("a", ["INBOX"]), labelIds: ["UNREAD"] }] },
      { id: "2", labelsAdded: [{ message: message("a", ["INBOX", "UNREAD"]), labelIds: ["UNREAD"] }] },
      { id: "3", labelsAdded: [{ message: message("b", ["TRASH", "UNREAD"]), labelIds: ["TRASH"] }] },
    ]);
    expect(Object.fromEntries(changes)).toEqual({
      a: { unread: true, trashed: false },
      b: { unread: true, trashed: true },
    });
  });

  it("R26: without the message's labels, the changed labels say what moved; other labels say nothing", () => {
    const changes = foldStateChanges([
      { id: "1", labelsRemoved: [{ message: message("a"), labelIds: ["UNREAD"] }] },
      { id: "2", labelsAdded: [{ message: message("a"), labelIds: ["STARRED"] }] },
      { id: "3", labelsRemoved: [{ message: message("c"), labelIds: ["INBOX"] }] },
    ]);
    expect(Object.fromEntries(changes)).toEqual({ a: { unread: false } });
  });

  it("R26: a deletion is recorded and stays whatever comes after", () => {
    const changes = foldStateChanges([
      { id: "1", messagesDeleted: [{ message: message("a") }] },
      { id: "2", messagesAdded: [{ message: message("z", ["INBOX", "UNREAD"]) }] },
    ]);
    expect(Object.fromEntries(changes)).toEqual({ a: { deleted: true } });
    expect(applyStateChange({ unread: true, gmailState: "deleted" }, { trashed: false })).toEqual({
      unread: true,
      gmailState: "deleted",
    });
  });
});

describe("R26: applyStateChange", () => {
  it.each([
    [{ unread: true, gmailState: "present" as const }, { unread: false }, { unread: false, gmailState: "present" }],
    [{ unread: false, gmailState: "present" as const }, { trashed: true }, { unread: false, gmailState: "trashed" }],
    [
      { unread: false, gmailState: "trashed" as const },
      { trashed: false, unread: true },
      { unread: true, gmailState: "present" },
    ],
    [{ unread: false, gmailState: "trashed" as const }, { deleted: true }, { unread: false, gmailState: "deleted" }],
    [{ unread: false, gmailState: "present" as const }, {}, { unread: false, gmailState: "present" }],
  ])("%o + %o → %o (twice gives the same)", (row, change, expected) => {
    const once = applyStateChange(row, change);
    expect(once).toEqual(expected);
    expect(applyStateChange(once, change)).toEqual(expected);
  });

  it("R26: a message's labels give its whole state", () => {
    expect(stateOfLabels(["INBOX", "UNREAD"])).toEqual({ unread: true, trashed: false });
    expect(stateOfLabels(["TRASH"])).toEqual({ unread: false, trashed: true });
  });
});
