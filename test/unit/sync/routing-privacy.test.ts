import { describe, expect, it } from "vitest";
import { isBulkMail } from "../../../src/mail/bulk-headers";
import type { RoutingLocation, RoutingMessage } from "../../../src/sync/routing-types";
import { COLLEAGUE_CRM, OWNER, a, contacts, L1_CONTACTS, loc, msg, privacy, route } from "./routing-fixtures";

/*
 * R27 (never-log lists, internal domains, bulk mail) and R28 (un-logged threads) in routing, with every
 * interplay with R7–R12 and R14. Contacts of L1: alice (unassigned), bob (the owner's), carol (another
 * user's), the colleague's CRM address (a user who is also a contact).
 */

const sent = (over: Partial<RoutingMessage>) => msg({ from: a(OWNER), labelIds: ["SENT"], to: [], ...over });
const bound = (id: string, over: Partial<RoutingLocation> = {}, contactId = "ct_alice") =>
  loc(id, { activeBinding: { conversationId: `cv_${id}`, contactId }, ...over });
const withContacts = (extra: Record<string, { id: string; assignedUserId: string | null }>) =>
  contacts({ ...Object.fromEntries(L1_CONTACTS), ...extra });

describe("R27: never-log entries", () => {
  it.each<[string, RoutingMessage, RoutingLocation[], string[]]>([
    [
      "R27/R8: inbound from a never-log address is not synced",
      msg(),
      [loc("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) })],
      ["L1 skip inbound never_log"],
    ],
    [
      "R27/R8: inbound from a never-log @domain is not synced",
      msg(),
      [loc("L1", { privacy: privacy({ neverLog: ["@client.test"] }) })],
      ["L1 skip inbound never_log"],
    ],
    [
      "R27: the mailbox owner's own list applies to their mailbox",
      msg(),
      [loc("L1", { privacy: privacy({ ownerNeverLog: ["@client.test"] }) })],
      ["L1 skip inbound never_log"],
    ],
    [
      "R27: @domain does not match a subdomain",
      msg({ from: a("dora@sub.client.test") }),
      [
        loc("L1", {
          privacy: privacy({ neverLog: ["@client.test"] }),
          contactsByEmail: withContacts({ "dora@sub.client.test": { id: "ct_dora", assignedUserId: null } }),
        }),
      ],
      ["L1 sync inbound ct_dora bind sender_contact"],
    ],
    [
      "R27: another address of the domain is not matched by an address entry",
      msg({ from: a("bob@client.test") }),
      [loc("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) })],
      ["L1 sync inbound ct_bob bind sender_contact"],
    ],
    [
      "R27/R9: a never-log address in Cc of a contact's mail does not keep it out",
      msg({ cc: [a("eve@private.test")] }),
      [loc("L1", { privacy: privacy({ neverLog: ["@private.test"] }) })],
      ["L1 sync inbound ct_alice bind sender_contact"],
    ],
    [
      "R27/R7: a user who is also never-log is internal (R7 first)",
      msg({ from: a(COLLEAGUE_CRM) }),
      [loc("L1", { privacy: privacy({ neverLog: [COLLEAGUE_CRM] }) })],
      ["L1 skip inbound internal"],
    ],
    [
      "R27/R8: a never-log sender who is no contact is never_log",
      msg({ from: a("x@private.test") }),
      [loc("L1", { privacy: privacy({ neverLog: ["@private.test"] }) })],
      ["L1 skip inbound never_log"],
    ],
    [
      "R27/R23: each location's list is its own; the fan-out continues elsewhere",
      msg(),
      [loc("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) }), loc("L2")],
      ["L1 skip inbound never_log", "L2 sync inbound ct_alice bind sender_contact"],
    ],
    [
      "R27/R10: a never-log first recipient is skipped like a user; the next contact wins",
      sent({ to: [a("alice@client.test"), a("bob@client.test")] }),
      [loc("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) })],
      ["L1 sync outbound ct_bob bind recipient_contact"],
    ],
    [
      "R27/R10: Cc and Bcc order still holds after skipping never-log To recipients",
      sent({ to: [a("alice@client.test")], cc: [a("stranger@else.test")], bcc: [a("bob@client.test")] }),
      [loc("L1", { privacy: privacy({ neverLog: ["@client.test"], ownerNeverLog: [] }) })],
      ["L1 skip outbound no_contact_recipient"],
    ],
    [
      "R27/R10: every recipient never-log: no candidate left, not synced",
      sent({ to: [a("alice@client.test"), a("bob@client.test")] }),
      [loc("L1", { privacy: privacy({ neverLog: ["@client.test"] }) })],
      ["L1 skip outbound never_log"],
    ],
    [
      "R27/R7/R10: users and never-log recipients only: never_log",
      sent({ to: [a(COLLEAGUE_CRM), a("alice@client.test")] }),
      [loc("L1", { privacy: privacy({ ownerNeverLog: ["alice@client.test"] }) })],
      ["L1 skip outbound never_log"],
    ],
    [
      "R7/R10: users only is still internal",
      sent({ to: [a(COLLEAGUE_CRM)] }),
      [loc("L1", { privacy: privacy({ neverLog: ["@client.test"] }) })],
      ["L1 skip outbound internal"],
    ],
    [
      "R27/R8/R10: a never-log recipient before a contact assigned elsewhere: assigned_elsewhere",
      sent({ to: [a("alice@client.test"), a("carol@client.test")] }),
      [loc("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) })],
      ["L1 skip outbound assigned_elsewhere"],
    ],
    [
      "R27/R7: a synced outbound message keeps every recipient, never-log ones included",
      sent({ to: [a("alice@client.test"), a("bob@client.test")] }),
      [loc("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) })],
      ["L1 sync outbound ct_bob bind recipient_contact"],
    ],
  ])("%s", (_name, message, locations, expected) => {
    expect(route(message, locations)).toEqual(expected);
  });

  it.each<[string, RoutingMessage, RoutingLocation[], string[]]>([
    [
      "R27/R11: a never-log sender on a bound thread is not synced (privacy outranks continuity)",
      msg(),
      [bound("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) })],
      ["L1 skip inbound never_log"],
    ],
    [
      "R27/R11: a never-log stranger writing into a bound thread is not synced",
      msg({ from: a("x@private.test") }),
      [bound("L1", { privacy: privacy({ neverLog: ["@private.test"] }) })],
      ["L1 skip inbound never_log"],
    ],
    [
      "R11: a stranger on a bound thread syncs when no list names them",
      msg({ from: a("x@private.test") }),
      [bound("L1")],
      ["L1 sync inbound ct_alice/cv_L1 keep bound_thread"],
    ],
    [
      "R27/R11: the owner's reply on a bound thread only to never-log recipients is not synced",
      sent({ to: [a("alice@client.test")] }),
      [bound("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) })],
      ["L1 skip outbound never_log"],
    ],
    [
      "R27/R11: a reply on a bound thread to a never-log address and someone else syncs to the binding",
      sent({ to: [a("alice@client.test"), a("stranger@else.test")] }),
      [bound("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) })],
      ["L1 sync outbound ct_alice/cv_L1 keep bound_thread"],
    ],
    [
      "R27/R14: a thread bound in another location only stays bound_elsewhere here, whatever the lists",
      msg(),
      [loc("L1", { privacy: privacy({ neverLog: ["alice@client.test"] }) }), bound("L2")],
      ["L1 skip inbound bound_elsewhere", "L2 sync inbound ct_alice/cv_L2 keep bound_thread"],
    ],
    [
      "R27/R14: the one location a thread was handed to applies its own list",
      msg(),
      [loc("L1"), bound("L2", { privacy: privacy({ neverLog: ["@client.test"] }) })],
      ["L1 skip inbound bound_elsewhere", "L2 skip inbound never_log"],
    ],
  ])("%s", (_name, message, locations, expected) => {
    expect(route(message, locations)).toEqual(expected);
  });
});

describe("R27: internal domains count as users for R7 and R10", () => {
  const ourCo = {
    privacy: privacy({ internalDomains: ["ourco.test"] }),
    contactsByEmail: withContacts({ "dan@ourco.test": { id: "ct_dan", assignedUserId: null } }),
  };
  it.each<[string, RoutingMessage, RoutingLocation[], string[]]>([
    [
      "R27/R7: inbound from an internal-domain address is internal, even when it is a contact",
      msg({ from: a("dan@ourco.test") }),
      [loc("L1", ourCo)],
      ["L1 skip inbound internal"],
    ],
    [
      "R27/R7: without the setting the same contact syncs (R8)",
      msg({ from: a("dan@ourco.test") }),
      [loc("L1", { contactsByEmail: ourCo.contactsByEmail })],
      ["L1 sync inbound ct_dan bind sender_contact"],
    ],
    [
      "R27: a subdomain of an internal domain is not internal",
      msg({ from: a("eve@sub.ourco.test") }),
      [
        loc("L1", {
          ...ourCo,
          contactsByEmail: withContacts({ "eve@sub.ourco.test": { id: "ct_eve", assignedUserId: null } }),
        }),
      ],
      ["L1 sync inbound ct_eve bind sender_contact"],
    ],
    [
      "R27/R7: the owner's mail only to internal-domain addresses is not synced",
      sent({ to: [a("dan@ourco.test"), a("fay@ourco.test")] }),
      [loc("L1", ourCo)],
      ["L1 skip outbound internal"],
    ],
    [
      "R27/R10: an internal-domain first recipient is skipped like a user",
      sent({ to: [a("dan@ourco.test"), a("alice@client.test")] }),
      [loc("L1", ourCo)],
      ["L1 sync outbound ct_alice bind recipient_contact"],
    ],
    [
      "R27/R11: an internal-domain sender on a bound thread is internal",
      msg({ from: a("dan@ourco.test") }),
      [bound("L1", ourCo)],
      ["L1 skip inbound internal"],
    ],
    [
      "R27/R11: the owner's reply on a bound thread only to internal-domain addresses is not synced",
      sent({ to: [a("dan@ourco.test")] }),
      [bound("L1", ourCo)],
      ["L1 skip outbound internal"],
    ],
    [
      "R27/R23: internal in one location, a contact in another",
      msg({ from: a("dan@ourco.test") }),
      [loc("L1", ourCo), loc("L2", { contactsByEmail: ourCo.contactsByEmail })],
      ["L1 skip inbound internal", "L2 sync inbound ct_dan bind sender_contact"],
    ],
  ])("%s", (_name, message, locations, expected) => {
    expect(route(message, locations)).toEqual(expected);
  });
});

describe("R27: bulk mail", () => {
  const skipping = { privacy: privacy({ skipBulkMail: true }) };
  it.each<[string, RoutingMessage, RoutingLocation[], string[]]>([
    [
      "R27: a contact's bulk mail is not synced while skipBulkMail is on",
      msg({ bulk: true }),
      [loc("L1", skipping)],
      ["L1 skip inbound bulk_mail"],
    ],
    [
      "R27: with the setting off (the default) it syncs",
      msg({ bulk: true }),
      [loc("L1")],
      ["L1 sync inbound ct_alice bind sender_contact"],
    ],
    [
      "R27: mail without bulk headers syncs with the setting on",
      msg(),
      [loc("L1", skipping)],
      ["L1 sync inbound ct_alice bind sender_contact"],
    ],
    [
      "R27/R11: bulk mail into a bound thread is not synced while on",
      msg({ bulk: true }),
      [bound("L1", skipping)],
      ["L1 skip inbound bulk_mail"],
    ],
    [
      "R27/R10: the owner's own sent mail is never bulk-skipped (inbound only)",
      sent({ to: [a("alice@client.test")], bulk: true }),
      [loc("L1", skipping)],
      ["L1 sync outbound ct_alice bind recipient_contact"],
    ],
    [
      "R27/R7: bulk mail from a user is internal first",
      msg({ from: a(COLLEAGUE_CRM), bulk: true }),
      [loc("L1", skipping)],
      ["L1 skip inbound internal"],
    ],
    [
      "R27/R8: bulk mail from a stranger is bulk_mail while on",
      msg({ from: a("news@shop.test"), bulk: true }),
      [loc("L1", skipping)],
      ["L1 skip inbound bulk_mail"],
    ],
    [
      "R27/R23: per location: skipped where on, synced where off",
      msg({ bulk: true }),
      [loc("L1", skipping), loc("L2")],
      ["L1 skip inbound bulk_mail", "L2 sync inbound ct_alice bind sender_contact"],
    ],
  ])("%s", (_name, message, locations, expected) => {
    expect(route(message, locations)).toEqual(expected);
  });

  it.each<[string, { name: string; value: string }[], boolean]>([
    ["List-Unsubscribe", [{ name: "List-Unsubscribe", value: "<mailto:u@x.test>" }], true],
    ["List-Id (any case of the name)", [{ name: "list-ID", value: "<news.x.test>" }], true],
    ["Precedence: bulk", [{ name: "Precedence", value: "bulk" }], true],
    ["Precedence: list", [{ name: "Precedence", value: " List " }], true],
    ["Precedence: junk", [{ name: "Precedence", value: "junk" }], true],
    ["Precedence: first-class is not bulk", [{ name: "Precedence", value: "first-class" }], false],
    ["Auto-Submitted: auto-replied", [{ name: "Auto-Submitted", value: "auto-replied" }], true],
    [
      "Auto-Submitted: auto-generated with parameters",
      [{ name: "Auto-Submitted", value: "auto-generated; type=x" }],
      true,
    ],
    ["Auto-Submitted: no", [{ name: "Auto-Submitted", value: "No" }], false],
    ["Auto-Submitted: no with parameters", [{ name: "Auto-Submitted", value: "no; x=y" }], false],
    [
      "ordinary headers",
      [
        { name: "From", value: "a@b.test" },
        { name: "Subject", value: "List-Id" },
      ],
      false,
    ],
  ])("R27: bulk headers: %s", (_name, headers, expected) => {
    expect(isBulkMail(headers)).toBe(expected);
  });
});

describe("R28: un-logged threads", () => {
  const unlogged = { threadUnlogged: true };
  it.each<[string, RoutingMessage, RoutingLocation[], string[]]>([
    [
      "R28/R8: a contact's mail in an un-logged thread is not synced",
      msg(),
      [loc("L1", unlogged)],
      ["L1 skip inbound unlogged_thread"],
    ],
    [
      "R28/R10: the owner's mail in an un-logged thread is not synced",
      sent({ to: [a("alice@client.test")] }),
      [loc("L1", unlogged)],
      ["L1 skip outbound unlogged_thread"],
    ],
    ["R28/R11: a binding cannot bring it back", msg(), [bound("L1", unlogged)], ["L1 skip inbound unlogged_thread"]],
    [
      "R28/R23: the thread un-logged in L1 still fans out to L2 (R8)",
      msg(),
      [loc("L1", unlogged), loc("L2")],
      ["L1 skip inbound unlogged_thread", "L2 sync inbound ct_alice bind sender_contact"],
    ],
    [
      "R28/R14: bound in L2, un-logged in L1: L2 keeps it, L1 says why not",
      msg(),
      [loc("L1", unlogged), bound("L2")],
      ["L1 skip inbound unlogged_thread", "L2 sync inbound ct_alice/cv_L2 keep bound_thread"],
    ],
    [
      "R28/labels: SPAM stays ignored_label",
      msg({ labelIds: ["SPAM"] }),
      [loc("L1", unlogged)],
      ["L1 skip inbound ignored_label"],
    ],
    [
      "R28/R7: internal mail in an un-logged thread: unlogged_thread",
      msg({ from: a(COLLEAGUE_CRM) }),
      [loc("L1", unlogged)],
      ["L1 skip inbound unlogged_thread"],
    ],
  ])("%s", (_name, message, locations, expected) => {
    expect(route(message, locations)).toEqual(expected);
  });
});
