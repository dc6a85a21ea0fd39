import { describe, expect, it } from "vitest";
import { bindingsEndedBySend } from "../../../src/sync/thread-handoff";
import type { RoutingMessage } from "../../../src/sync/routing-types";
import { COLLEAGUE_CRM, OWNER, OWNER_USER, a, contacts, loc, msg, route } from "./routing-fixtures";

const sent = (over: Partial<RoutingMessage>) => msg({ from: a(OWNER), labelIds: ["SENT"], to: [], ...over });

describe("R12 duplicate contacts", () => {
  // Which contact is first created is D1's ORDER BY (test/db/contacts.test.ts); routing uses the one it is given.
  it("FAQ duplicate emails with multiple contacts: the first created contact gets the email", () => {
    const l1 = loc("L1", { contactsByEmail: new Map([["dup@c.test", { id: "ct_old", assignedUserId: null }]]) });
    expect(route(msg({ from: a("dup@c.test") }), [l1])).toEqual(["L1 sync inbound ct_old bind sender_contact"]);
    expect(route(sent({ to: [a("dup@c.test")] }), [l1])).toEqual(["L1 sync outbound ct_old bind recipient_contact"]);
  });
});

describe("R14 one location per CRM thread", () => {
  it.each<[string, string[], string, string[]]>([
    ["R14: a send from L2 ends the bindings in L1 and L3", ["L1", "L2", "L3"], "L2", ["L1", "L3"]],
    ["R14: a thread bound only where it is sent from keeps its binding", ["L2"], "L2", []],
    ["R14: an unbound thread ends nothing", [], "L2", []],
    ["R14: a send from an unbound location ends every binding", ["L1", "L3"], "L2", ["L1", "L3"]],
    ["R14: duplicates are reported once", ["L1", "L1"], "L2", ["L1"]],
  ])("%s", (_name, boundLocationIds, sendingLocationId, expected) => {
    expect(bindingsEndedBySend({ boundLocationIds, sendingLocationId })).toEqual(expected);
  });

  it("R14: after a CRM send from L2, replies reach L2 only", () => {
    const l1 = loc("L1");
    const l2 = loc("L2", { activeBinding: { conversationId: "cv_L2", contactId: "ct_alice" } });
    expect(route(msg(), [l1, l2])).toEqual([
      "L1 skip inbound bound_elsewhere",
      "L2 sync inbound ct_alice/cv_L2 keep bound_thread",
    ]);
  });
});

describe("seed FAQ", () => {
  it("FAQ received from existing contacts: inbound syncs to the contact", () => {
    expect(route(msg())).toEqual(["L1 sync inbound ct_alice bind sender_contact"]);
  });

  it("FAQ new email from a contact in an existing thread: shown in the same conversation", () => {
    const l1 = loc("L1", { activeBinding: { conversationId: "cv_1", contactId: "ct_alice" } });
    expect(route(msg(), [l1])).toEqual(["L1 sync inbound ct_alice/cv_1 keep bound_thread"]);
  });

  it("FAQ sent from Gmail: appears under the contact's conversation", () => {
    expect(route(sent({ to: [a("alice@client.test")] }))).toEqual(["L1 sync outbound ct_alice bind recipient_contact"]);
  });

  it("FAQ cc/bcc: a contact in Cc of the owner's mail is synced, no contact created for other Cc/Bcc", () => {
    expect(route(sent({ to: [a("new@else.test")], cc: [a("bob@client.test")], bcc: [a("x@else.test")] }))).toEqual([
      "L1 sync outbound ct_bob bind recipient_contact",
    ]);
  });

  it("FAQ contact emails someone else, owner in Cc: associated with the contact", () => {
    expect(route(msg({ to: [a("third@party.test")], cc: [a(OWNER)] }))).toEqual([
      "L1 sync inbound ct_alice bind sender_contact",
    ]);
  });

  it("FAQ owner only in Bcc: still inbound from the contact", () => {
    expect(route(msg({ to: [a("third@party.test")], cc: [], bcc: [] }))).toEqual([
      "L1 sync inbound ct_alice bind sender_contact",
    ]);
  });

  it("FAQ multiple recipients: the first To contact gets the conversation", () => {
    expect(route(sent({ to: [a("bob@client.test"), a("alice@client.test")] }))).toEqual([
      "L1 sync outbound ct_bob bind recipient_contact",
    ]);
  });

  it("FAQ forwarded from Gmail: treated as a sent email to the contact", () => {
    expect(route(sent({ to: [a("alice@client.test", "Alice")], cc: [] }))).toEqual([
      "L1 sync outbound ct_alice bind recipient_contact",
    ]);
  });

  it("FAQ same contact in two locations, mailbox connected in both: inbound fans out to both", () => {
    const l2 = loc("L2", {
      contactsByEmail: contacts({ "alice@client.test": { id: "ct_alice_l2", assignedUserId: null } }),
    });
    expect(route(msg(), [loc("L1"), l2])).toEqual([
      "L1 sync inbound ct_alice bind sender_contact",
      "L2 sync inbound ct_alice_l2 bind sender_contact",
    ]);
  });

  it("FAQ same contact in two locations: a send from Gmail fans out to both too (R10)", () => {
    const l2 = loc("L2", {
      contactsByEmail: contacts({ "alice@client.test": { id: "ct_alice_l2", assignedUserId: OWNER_USER } }),
    });
    expect(route(sent({ to: [a("alice@client.test")] }), [loc("L1"), l2])).toEqual([
      "L1 sync outbound ct_alice bind recipient_contact",
      "L2 sync outbound ct_alice_l2 bind recipient_contact",
    ]);
  });

  it("FAQ assignment filter: a location where the contact is assigned to another user gets nothing", () => {
    const l2 = loc("L2", {
      contactsByEmail: contacts({ "alice@client.test": { id: "ct_alice_l2", assignedUserId: "u_other" } }),
    });
    expect(route(msg(), [loc("L1"), l2])).toEqual([
      "L1 sync inbound ct_alice bind sender_contact",
      "L2 skip inbound assigned_elsewhere",
    ]);
  });

  it("FAQ contact who is also a user: their emails are not synced", () => {
    expect(route(msg({ from: a(COLLEAGUE_CRM) }))).toEqual(["L1 skip inbound internal"]);
  });

  it("FAQ thread started by a non-contact that later gains a contact: synced from the contact's message on", () => {
    const first = msg({ from: a("stranger@else.test"), gmailThreadId: "t9" });
    expect(route(first)).toEqual(["L1 skip inbound not_a_contact"]);
    // The owner replies in the same thread and adds a contact in Cc: R10 binds the thread to that contact.
    const reply = sent({ to: [a("stranger@else.test")], cc: [a("alice@client.test")], gmailThreadId: "t9" });
    expect(route(reply)).toEqual(["L1 sync outbound ct_alice bind recipient_contact"]);
    // From then on the stranger's messages in that thread follow the binding (R11).
    const bound = loc("L1", { activeBinding: { conversationId: "cv_9", contactId: "ct_alice" } });
    expect(route(first, [bound])).toEqual(["L1 sync inbound ct_alice/cv_9 keep bound_thread"]);
  });

  it("FAQ past or non-contact mail never creates a contact: unknown senders are skipped in every location", () => {
    expect(route(msg({ from: a("nobody@else.test") }), [loc("L1"), loc("L2")])).toEqual([
      "L1 skip inbound not_a_contact",
      "L2 skip inbound not_a_contact",
    ]);
  });
});
