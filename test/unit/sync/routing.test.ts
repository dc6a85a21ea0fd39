import { describe, expect, it } from "vitest";
import { decideRoutes, START_POINT_GRACE_MS } from "../../../src/sync/routing";
import { ruleOf, SKIP_REASON_RULES, SKIP_REASONS, type SkipReason } from "../../../src/sync/routing-reasons";
import type { RouteDecision, RoutingLocation, RoutingMessage } from "../../../src/sync/routing-types";
import {
  COLLEAGUE_CRM,
  COLLEAGUE_GMAIL,
  OWNER,
  OWNER_CRM,
  START_POINT,
  a,
  loc,
  msg,
  privacy,
  route,
} from "./routing-fixtures";

const bound = (id: string, contactId = "ct_alice") =>
  loc(id, { activeBinding: { conversationId: `cv_${id}`, contactId } });
const sent = (over: Partial<RoutingMessage>) => msg({ from: a(OWNER), labelIds: ["SENT"], to: [], ...over });

describe("which labels sync", () => {
  it.each<[string, string[], string]>([
    ["labels: INBOX syncs", ["INBOX", "UNREAD"], "L1 sync inbound ct_alice bind sender_contact"],
    ["labels: SPAM never syncs", ["INBOX", "SPAM"], "L1 skip inbound ignored_label"],
    ["labels: TRASH never syncs", ["INBOX", "TRASH"], "L1 skip inbound ignored_label"],
    ["labels: DRAFT never syncs", ["DRAFT"], "L1 skip inbound ignored_label"],
    ["labels: CHAT never syncs", ["CHAT", "INBOX"], "L1 skip inbound ignored_label"],
    [
      "labels: archived (neither INBOX nor SENT) does not sync",
      ["CATEGORY_PERSONAL", "IMPORTANT"],
      "L1 skip inbound ignored_label",
    ],
    ["labels: no labels at all does not sync", [], "L1 skip inbound ignored_label"],
  ])("%s", (_name, labelIds, expected) => {
    expect(route(msg({ labelIds }))).toEqual([expected]);
  });

  it("labels: a bound thread still does not sync SPAM", () => {
    expect(route(msg({ labelIds: ["SPAM"] }), [bound("L1")])).toEqual(["L1 skip inbound ignored_label"]);
  });
});

describe("direction", () => {
  it.each<[string, RoutingMessage, "inbound" | "outbound"]>([
    ["From the mailbox owner is outbound", sent({ to: [a("alice@client.test")] }), "outbound"],
    ["From anyone else is inbound", msg(), "inbound"],
    ["From the owner's CRM address (not the mailbox) is inbound", msg({ from: a(OWNER_CRM) }), "inbound"],
    ["No From is inbound", msg({ from: null }), "inbound"],
  ])("%s", (_name, message, direction) => {
    expect(decideRoutes({ message, ownerAddress: OWNER, locations: [loc("L1")] }).direction).toBe(direction);
  });
});

describe("R7 internal mail is private", () => {
  it.each<[string, RoutingMessage, string]>([
    [
      "R7: inbound from a colleague who is also a contact is skipped",
      msg({ from: a(COLLEAGUE_CRM) }),
      "L1 skip inbound internal",
    ],
    [
      "R7: inbound from the owner's own CRM address is skipped",
      msg({ from: a(OWNER_CRM) }),
      "L1 skip inbound internal",
    ],
    [
      "R7: inbound from a colleague's connected mailbox is skipped",
      msg({ from: a(COLLEAGUE_GMAIL) }),
      "L1 skip inbound internal",
    ],
    [
      "R7: sent only to users is not synced",
      sent({ to: [a(COLLEAGUE_CRM)], cc: [a(OWNER_CRM)] }),
      "L1 skip outbound internal",
    ],
    ["R7: sent only to oneself is not synced", sent({ to: [a(OWNER)] }), "L1 skip outbound internal"],
    [
      "R7: sent to a user and a contact goes to the contact",
      sent({ to: [a(COLLEAGUE_CRM)], cc: [a("alice@client.test")] }),
      "L1 sync outbound ct_alice bind recipient_contact",
    ],
    [
      "R7: a user who is also a contact is never taken as the contact",
      sent({ to: [a(COLLEAGUE_CRM), a(OWNER_CRM)], bcc: [a("bob@client.test")] }),
      "L1 sync outbound ct_bob bind recipient_contact",
    ],
  ])("%s", (_name, message, expected) => {
    expect(route(message)).toEqual([expected]);
  });

  it("R7: a user of one location is an ordinary contact in a location where they are no user", () => {
    const l2 = loc("L2", { userAddresses: new Set([OWNER, OWNER_CRM]) });
    expect(route(msg({ from: a(COLLEAGUE_CRM) }), [loc("L1"), l2])).toEqual([
      "L1 skip inbound internal",
      "L2 sync inbound ct_colleague bind sender_contact",
    ]);
  });
});

describe("R8 inbound", () => {
  it.each<[string, RoutingMessage, string]>([
    ["R8: from an unassigned contact syncs and binds", msg(), "L1 sync inbound ct_alice bind sender_contact"],
    [
      "R8: from a contact assigned to the owner syncs",
      msg({ from: a("bob@client.test") }),
      "L1 sync inbound ct_bob bind sender_contact",
    ],
    [
      "R8: from a contact assigned to another user is skipped",
      msg({ from: a("carol@client.test") }),
      "L1 skip inbound assigned_elsewhere",
    ],
    [
      "R8: from a non-contact is not synced (no contact is created)",
      msg({ from: a("stranger@else.test") }),
      "L1 skip inbound not_a_contact",
    ],
    ["R8: without a readable From nothing syncs", msg({ from: null }), "L1 skip inbound not_a_contact"],
  ])("%s", (_name, message, expected) => {
    expect(route(message)).toEqual([expected]);
  });

  it("R8: no active connection anywhere means no decision at all", () => {
    expect(route(msg(), [])).toEqual([]);
  });
});

describe("R9 owner in Cc/Bcc", () => {
  it.each<[string, RoutingMessage, string]>([
    [
      "R9: owner only in Cc is inbound from the contact",
      msg({ to: [a("someone@else.test")], cc: [a(OWNER)] }),
      "L1 sync inbound ct_alice bind sender_contact",
    ],
    [
      "R9: owner only in Bcc (absent from headers) is inbound from the contact",
      msg({ to: [a("someone@else.test")] }),
      "L1 sync inbound ct_alice bind sender_contact",
    ],
    [
      "R9: a contact in Cc never owns an inbound message",
      msg({ from: a("stranger@else.test"), cc: [a("alice@client.test")] }),
      "L1 skip inbound not_a_contact",
    ],
    [
      "R9: a contact in To never owns an inbound message either",
      msg({ from: a("stranger@else.test"), to: [a(OWNER), a("bob@client.test")] }),
      "L1 skip inbound not_a_contact",
    ],
  ])("%s", (_name, message, expected) => {
    expect(route(message)).toEqual([expected]);
  });
});

describe("R10 outbound from Gmail", () => {
  it.each<[string, Partial<RoutingMessage>, string]>([
    [
      "R10: first To contact owns the thread",
      { to: [a("stranger@else.test"), a("bob@client.test"), a("alice@client.test")] },
      "L1 sync outbound ct_bob bind recipient_contact",
    ],
    [
      "R10: To before Cc",
      { to: [a("alice@client.test")], cc: [a("bob@client.test")] },
      "L1 sync outbound ct_alice bind recipient_contact",
    ],
    [
      "R10: Cc when no To is a contact",
      { to: [a("stranger@else.test")], cc: [a("bob@client.test")] },
      "L1 sync outbound ct_bob bind recipient_contact",
    ],
    [
      "R10: Bcc when neither To nor Cc is a contact",
      { to: [a("x@else.test")], cc: [a("y@else.test")], bcc: [a("alice@client.test")] },
      "L1 sync outbound ct_alice bind recipient_contact",
    ],
    [
      "R10: a contact assigned to another user is passed over",
      { to: [a("carol@client.test"), a("alice@client.test")] },
      "L1 sync outbound ct_alice bind recipient_contact",
    ],
    [
      "R10: only contacts assigned to others: not synced",
      { to: [a("carol@client.test")] },
      "L1 skip outbound assigned_elsewhere",
    ],
    [
      "R10: no recipient is a contact: not synced",
      { to: [a("stranger@else.test")], cc: [a("other@else.test")] },
      "L1 skip outbound no_contact_recipient",
    ],
    [
      "R10: a forwarded email is an ordinary sent message",
      { to: [a("alice@client.test")] },
      "L1 sync outbound ct_alice bind recipient_contact",
    ],
  ])("%s", (_name, over, expected) => {
    expect(route(sent(over))).toEqual([expected]);
  });
});

describe("R11 thread continuity", () => {
  it.each<[string, RoutingMessage, RoutingLocation[], string[]]>([
    [
      "R11: inbound from a non-contact on a bound thread goes to the bound conversation",
      msg({ from: a("stranger@else.test") }),
      [bound("L1")],
      ["L1 sync inbound ct_alice/cv_L1 keep bound_thread"],
    ],
    [
      "R11: the binding wins over another contact as sender",
      msg({ from: a("bob@client.test") }),
      [bound("L1")],
      ["L1 sync inbound ct_alice/cv_L1 keep bound_thread"],
    ],
    [
      "R11: the binding wins over the assignment check",
      msg({ from: a("carol@client.test") }),
      [bound("L1")],
      ["L1 sync inbound ct_alice/cv_L1 keep bound_thread"],
    ],
    [
      "R11: outbound to non-contacts on a bound thread goes to the bound conversation",
      sent({ to: [a("stranger@else.test")] }),
      [bound("L1")],
      ["L1 sync outbound ct_alice/cv_L1 keep bound_thread"],
    ],
    [
      "R11: R7 still applies to inbound from a user",
      msg({ from: a(COLLEAGUE_CRM) }),
      [bound("L1")],
      ["L1 skip inbound internal"],
    ],
    [
      "R11: R7 still applies to sends only to users",
      sent({ to: [a(COLLEAGUE_GMAIL)] }),
      [bound("L1")],
      ["L1 skip outbound internal"],
    ],
    [
      "R11: bound in one location only, the other location gets nothing",
      msg(),
      [loc("L1"), bound("L2")],
      ["L1 skip inbound bound_elsewhere", "L2 sync inbound ct_alice/cv_L2 keep bound_thread"],
    ],
    [
      "R11: bound in two locations, both get it",
      msg(),
      [bound("L1"), bound("L2", "ct_a2")],
      ["L1 sync inbound ct_alice/cv_L1 keep bound_thread", "L2 sync inbound ct_a2/cv_L2 keep bound_thread"],
    ],
  ])("%s", (_name, message, locations, expected) => {
    expect(route(message, locations)).toEqual(expected);
  });
});

describe("R2 start point", () => {
  it.each<[string, number, string]>([
    [
      "R2: received a day before the start point (moved into INBOX later) is never imported",
      START_POINT - 86_400_000,
      "L1 skip inbound before_connect",
    ],
    [
      "R2: received just past the grace before the start point is never imported",
      START_POINT - START_POINT_GRACE_MS - 1,
      "L1 skip inbound before_connect",
    ],
    [
      "R2: received moments before connect but added after the watch started is news",
      START_POINT - 1_000,
      "L1 sync inbound ct_alice bind sender_contact",
    ],
    ["R2: received after the start point syncs", START_POINT + 1, "L1 sync inbound ct_alice bind sender_contact"],
  ])("%s", (_name, receivedAt, expected) => {
    expect(route(msg({ receivedAt }))).toEqual([expected]);
  });

  it("R2: an old message on a bound thread is still not imported; labels are judged first", () => {
    const old = START_POINT - 86_400_000;
    expect(route(msg({ receivedAt: old }), [bound("L1")])).toEqual(["L1 skip inbound before_connect"]);
    expect(route(msg({ receivedAt: old, labelIds: ["SPAM"] }))).toEqual(["L1 skip inbound ignored_label"]);
  });
});

describe("R30 every decision names its reason and rule", () => {
  const old = START_POINT - 86_400_000;
  // One message per reason routing can give; already_stored is decided by the store (R15/R21 unique indexes).
  const cases: [SkipReason, RoutingMessage, RoutingLocation[]][] = [
    ["not_a_contact", msg({ from: a("stranger@else.test") }), [loc("L1")]],
    ["internal", msg({ from: a(COLLEAGUE_CRM) }), [loc("L1")]],
    ["assigned_elsewhere", msg({ from: a("carol@client.test") }), [loc("L1")]],
    ["no_contact_recipient", sent({ to: [a("stranger@else.test")] }), [loc("L1")]],
    ["ignored_label", msg({ labelIds: ["TRASH"] }), [loc("L1")]],
    ["before_connect", msg({ receivedAt: old }), [loc("L1")]],
    ["bound_elsewhere", msg(), [loc("L1"), bound("L2")]],
    ["never_log", msg(), [loc("L1", { privacy: privacy({ neverLog: ["@client.test"] }) })]],
    ["bulk_mail", msg({ bulk: true }), [loc("L1", { privacy: privacy({ skipBulkMail: true }) })]],
    ["unlogged_thread", msg(), [loc("L1", { threadUnlogged: true })]],
  ];

  it.each(cases)("R30: routing answers %s with its rule", (reason, message, locations) => {
    const [first] = decideRoutes({ message, ownerAddress: OWNER, locations }).decisions;
    expect(first).toMatchObject({ action: "skip", locationId: "L1", reason });
    expect(ruleOf(first as RouteDecision)).toBe(SKIP_REASON_RULES[reason]);
  });

  it("R30: every reason of docs/api.md's list is either answered by routing or by the store", () => {
    expect([...cases.map(([reason]) => reason), "already_stored"].sort()).toEqual([...SKIP_REASONS].sort());
  });

  it.each<[string, RoutingMessage, RoutingLocation[], string]>([
    ["R30: stored from a sender contact names R8", msg(), [loc("L1")], "R8"],
    ["R30: stored from a recipient contact names R10", sent({ to: [a("alice@client.test")] }), [loc("L1")], "R10"],
    ["R30: stored through a binding names R11", msg(), [bound("L1")], "R11"],
  ])("%s", (_name, message, locations, rule) => {
    const [first] = decideRoutes({ message, ownerAddress: OWNER, locations }).decisions;
    expect(first?.action).toBe("sync");
    expect(ruleOf(first as RouteDecision)).toBe(rule);
  });
});
