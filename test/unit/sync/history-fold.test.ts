import type { gmail_v1 } from "@googleapis/gmail";
import { describe, expect, it } from "vitest";
import { compareHistoryIds, foldHistoryPage, nextCursor } from "../../../src/sync/history-fold";

const added = (id: string, labelIds?: string[]): gmail_v1.Schema$History => ({
  messagesAdded: [{ message: { id, threadId: "t", labelIds } }],
});
const labeled = (id: string, labelIds: string[]): gmail_v1.Schema$History => ({
  labelsAdded: [{ message: { id }, labelIds }],
});
const removed = (id: string, labelIds: string[]): gmail_v1.Schema$History => ({
  labelsRemoved: [{ message: { id }, labelIds }],
});
const deleted = (id: string): gmail_v1.Schema$History => ({ messagesDeleted: [{ message: { id } }] });

describe("foldHistoryPage", () => {
  it.each<[string, gmail_v1.Schema$History[], { added: string[]; deleted: string[] }]>([
    ["new inbox mail", [added("a", ["INBOX", "UNREAD"])], { added: ["a"], deleted: [] }],
    ["new sent mail", [added("a", ["SENT"])], { added: ["a"], deleted: [] }],
    ["labels unknown: fetched to find out", [added("a")], { added: ["a"], deleted: [] }],
    ["a draft is not looked at", [added("a", ["DRAFT"])], { added: [], deleted: [] }],
    ["spam is not looked at", [added("a", ["SPAM"])], { added: [], deleted: [] }],
    ["archived by a filter on arrival", [added("a", ["CATEGORY_UPDATES"])], { added: [], deleted: [] }],
    [
      "moved out of spam into the inbox later",
      [added("a", ["SPAM"]), labeled("a", ["INBOX"])],
      { added: ["a"], deleted: [] },
    ],
    ["a label other than INBOX/SENT added", [labeled("a", ["STARRED"])], { added: [], deleted: [] }],
    ["removals change nothing", [added("a", ["INBOX"]), removed("a", ["INBOX"])], { added: ["a"], deleted: [] }],
    [
      "duplicates keep first order",
      [added("b", ["INBOX"]), added("a", ["INBOX"]), labeled("b", ["INBOX"])],
      { added: ["b", "a"], deleted: [] },
    ],
    ["added then deleted: not fetched", [added("a", ["INBOX"]), deleted("a")], { added: [], deleted: ["a"] }],
    ["deleted from an earlier page", [deleted("z")], { added: [], deleted: ["z"] }],
    ["empty page", [], { added: [], deleted: [] }],
  ])("%s", (_label, records, expected) => {
    expect(foldHistoryPage(records)).toEqual(expected);
  });
});

describe("nextCursor", () => {
  it.each([
    ["moves forward", "100", "250", "250"],
    ["never backwards", "300", "250", "300"],
    ["missing id keeps the cursor", "300", undefined, "300"],
    ["non-numeric id keeps the cursor", "300", "abc", "300"],
    ["beyond 2^53 compares exactly", "9007199254740993", "9007199254740994", "9007199254740994"],
  ])("%s", (_label, start, last, expected) => {
    expect(nextCursor(start, last)).toBe(expected);
  });

  it("compares as integers, not strings", () => {
    expect(compareHistoryIds("99", "100")).toBe(-1);
  });
});
