import { describe, expect, it } from "vitest";
import type { IdempotencyKeyRow } from "../../../src/db/idempotency-keys";
import { base64DecodedSize } from "../../../src/http/schemas/send";
import { canonicalJson, decideOnHeldKey, IDEMPOTENCY_STALE_MS, type KeyVerdict } from "../../../src/send/idempotency";
import {
  MAX_REFERENCES,
  planProvider,
  planReply,
  type ProviderPlan,
  type SenderConnection,
  type SendKind,
} from "../../../src/send/plan-send";

const MAILBOX = "owner@gmail.com";
const conn = (status: SenderConnection["status"]): SenderConnection => ({ status, mailboxAddress: MAILBOX });

describe("planProvider (R13, R18, R6)", () => {
  it.each<[string, SendKind, SenderConnection | null, ProviderPlan]>([
    [
      "R13: individual, active connection → Gmail",
      "individual",
      conn("active"),
      { ok: true, value: { provider: "gmail", mailboxAddress: MAILBOX } },
    ],
    ["R18: individual, no connection → location", "individual", null, { ok: true, value: { provider: "location" } }],
    [
      "R18: individual, disconnected → location",
      "individual",
      conn("disconnected"),
      { ok: true, value: { provider: "location" } },
    ],
    [
      "R18/R6: individual, needs_reauth → refused",
      "individual",
      conn("needs_reauth"),
      { ok: false, error: { reason: "mailbox_needs_reauth", mailboxAddress: MAILBOX } },
    ],
    ["R18: bulk, active connection → location", "bulk", conn("active"), { ok: true, value: { provider: "location" } }],
    [
      "R18: workflow, active connection → location",
      "workflow",
      conn("active"),
      { ok: true, value: { provider: "location" } },
    ],
    [
      "R18: bulk, needs_reauth → location (never Gmail)",
      "bulk",
      conn("needs_reauth"),
      { ok: true, value: { provider: "location" } },
    ],
  ])("%s", (_name, kind, connection, expected) => {
    expect(planProvider(kind, connection)).toEqual(expected);
  });
});

describe("planReply (R13)", () => {
  const replied = { messageIdHeader: "<c@x>", subject: "Quote", gmailMailbox: MAILBOX, gmailThreadId: "t1" };

  it("R13: In-Reply-To is the replied id; References the thread up to it; the thread id in the same mailbox", () => {
    expect(planReply({ replied, threadIds: ["<a@x>", "<b@x>", "<c@x>"], sendingMailbox: MAILBOX })).toEqual({
      inReplyTo: "<c@x>",
      references: ["<a@x>", "<b@x>", "<c@x>"],
      threadId: "t1",
      baseSubject: "Quote",
    });
  });

  it("R13: the replied id ends the chain even when the thread list lacks it", () => {
    expect(planReply({ replied, threadIds: ["<a@x>"], sendingMailbox: MAILBOX }).references).toEqual([
      "<a@x>",
      "<c@x>",
    ]);
  });

  it.each([
    ["another mailbox", "other@gmail.com"],
    ["the location's provider", null],
  ])("R13: no Gmail thread id when sending through %s", (_name, sendingMailbox) => {
    expect(planReply({ replied, threadIds: [], sendingMailbox }).threadId).toBeNull();
  });

  it("reading 14: ids no outgoing header may hold are left out; control characters of the subject become spaces", () => {
    const plan = planReply({
      replied: { ...replied, messageIdHeader: "<ünï@x>", subject: "Bill\r\nBcc: a@evil.test\u0085" },
      threadIds: ["<a@x>", `<${"l".repeat(950)}@x>`, "<b c@x>", "<b@x>"],
      sendingMailbox: MAILBOX,
    });
    expect(plan).toMatchObject({
      inReplyTo: null,
      references: ["<a@x>", "<b@x>"],
      baseSubject: "Bill  Bcc: a@evil.test",
    });
  });

  it("R13: a long chain keeps the first id and the latest ones", () => {
    const ids = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const refs = planReply({
      replied: { ...replied, messageIdHeader: "<m29@x>" },
      threadIds: ids,
      sendingMailbox: MAILBOX,
    }).references;
    expect(refs).toHaveLength(MAX_REFERENCES);
    expect(refs[0]).toBe("<m0@x>");
    expect(refs.at(-1)).toBe("<m29@x>");
  });
});

describe("decideOnHeldKey (R25)", () => {
  const NOW = 1_800_000_000_000;
  const row = (over: Partial<IdempotencyKeyRow>): IdempotencyKeyRow => ({
    locationId: "L",
    key: "k",
    requestHash: "h",
    state: "in_progress",
    responseStatus: null,
    responseBody: null,
    createdAt: NOW - 1000,
    expiresAt: NOW + 1000,
    messageId: null,
    contactId: null,
    ...over,
  });
  it.each<[string, IdempotencyKeyRow | undefined, KeyVerdict]>([
    ["gone: claim again", undefined, { kind: "retry_claim" }],
    ["expired: claim again", row({ expiresAt: NOW - 1 }), { kind: "retry_claim" }],
    [
      "same body, done: replay",
      row({ state: "done", responseStatus: 201, responseBody: "{}" }),
      { kind: "replay", status: 201, body: "{}" },
    ],
    [
      "other body: reuse",
      row({ requestHash: "other", state: "done", responseStatus: 201, responseBody: "{}" }),
      { kind: "reuse" },
    ],
    ["same body, running: in progress", row({}), { kind: "in_progress" }],
    [
      "same body, running past the lease: claim again",
      row({ createdAt: NOW - IDEMPOTENCY_STALE_MS - 1 }),
      { kind: "retry_claim" },
    ],
    [
      "a failed attempt frees the key, whatever the body",
      row({ requestHash: "other", responseStatus: 0 }),
      { kind: "retry_claim" },
    ],
  ])("%s", (_name, held, expected) => {
    expect(decideOnHeldKey(held, "h", NOW)).toEqual(expected);
  });
});

describe("canonical body and sizes", () => {
  it("R25: key order does not change the canonical body; values do", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: "x" } })).toBe(canonicalJson({ a: { c: "x", d: [1, 2] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it.each([
    ["", 0],
    ["aGk=", 2],
    ["aGk/", 3],
    ["aA==", 1],
    ["QUJDRA==", 4],
  ])("R17: base64 %j decodes to %i bytes", (b64, size) => {
    expect(base64DecodedSize(b64)).toBe(size);
  });
});
