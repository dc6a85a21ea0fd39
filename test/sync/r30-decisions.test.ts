import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { purgeExpiredDecisions, PURGE_SLICES } from "../../src/cron/purge-decisions";
import { directoryDb, locationDb } from "../../src/db/database";
import { mailboxStub } from "../../src/mailbox/stub";
import { createUser } from "../support/api";
import { deliver, PUSH_SPACING_MS, advanceClock, sendAsOwner, setLabels, uniqueEmail } from "../support/google";
import { explain, explainRaw, skipped, today } from "./proof-support";
import { addContact, connectedOwner, messagesOf, pushAndSync, runAlarms } from "./support";

const DAY_MS = 86_400_000;
const mail = (prefix: string) => uniqueEmail(prefix, "client.test");

/** Queues a Gmail id in the mailbox as if history had reported it; `run` lets the sync take it. */
async function queue(address: string, id: string, run: boolean): Promise<void> {
  await runInDurableObject(mailboxStub(env, address), async (_instance, state) => {
    state.storage.sql.exec("INSERT INTO sync_pending (message_id, seq) VALUES (?, 0)", id);
    if (run) {
      state.storage.sql.exec("UPDATE sync_state SET wanted = 1 WHERE id = 1");
      await state.storage.setAlarm(Date.now());
    }
  });
}

describe("R30: every message the sync looks at gets a decision, counted and explained", { timeout: 30_000 }, () => {
  it("R30: each skip reason of API.md's list, a stored and a parked message: decision, explanation and today's count", async () => {
    const owner = await connectedOwner();
    const colleague = await createUser({ locationId: owner.locationId });
    const ann = await addContact(owner.locationId, mail("ann"));
    const carol = await addContact(owner.locationId, mail("carol"), { assignedUserId: colleague });
    // A second mailbox of the same location, for R21's already_stored.
    const other = await connectedOwner({ locationId: owner.locationId });
    const shared = `<shared.${crypto.randomUUID()}@client.test>`;

    const stored = await deliver(owner.address, {
      from: ann.email,
      to: owner.address,
      subject: "Stored",
      text: "kept",
    });
    const notAContact = await deliver(owner.address, {
      from: mail("stranger"),
      to: owner.address,
      subject: "Stranger",
    });
    const internal = await sendAsOwner(owner.address, {
      to: owner.address,
      subject: "Secret plans",
      text: "internal body text",
    });
    const assigned = await deliver(owner.address, { from: carol.email, to: owner.address, subject: "Carol's" });
    const noRecipient = await sendAsOwner(owner.address, { to: mail("nobody"), subject: "To nobody" });
    const trashed = await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Trashed" });
    await setLabels(owner.address, trashed.id, { add: ["TRASH"] });
    // R2: received two days before the connect, archived, moved into INBOX now.
    const old = await deliver(owner.address, {
      from: ann.email,
      to: owner.address,
      subject: "Old",
      labelIds: ["CATEGORY_PERSONAL"],
      internalDate: new Date(Date.now() - 2 * DAY_MS).toISOString(),
    });
    await setLabels(owner.address, old.id, { add: ["INBOX"] });
    const mine = await deliver(owner.address, {
      from: ann.email,
      to: [owner.address, other.address],
      subject: "Both",
      messageId: shared,
    });
    await queue(owner.address, "badid", true); // Gmail answers 400 for this id every time: parked (R24).
    await pushAndSync(owner.address);
    const theirs = await deliver(other.address, {
      from: ann.email,
      to: [owner.address, other.address],
      subject: "Both",
      messageId: shared,
    });
    await pushAndSync(other.address);

    const rows = await messagesOf(owner.locationId, ann.id);
    const rowOf = (gmailId: string) => rows.find((m) => m.gmail?.messageId === gmailId)?.id;
    expect(rows.map((m) => m.subject).sort()).toEqual(["Both", "Stored"]);

    expect(await today(owner)).toEqual({
      date: new Date().toISOString().slice(0, 10),
      seen: 9,
      stored: 2,
      skipped: skipped({
        not_a_contact: 1,
        internal: 1,
        assigned_elsewhere: 1,
        no_contact_recipient: 1,
        ignored_label: 1,
        before_connect: 1,
      }),
      parked: 1,
      healed: 0,
    });
    expect(await today({ locationId: owner.locationId, userId: other.userId })).toMatchObject({
      seen: 1,
      stored: 0,
      skipped: skipped({ already_stored: 1 }),
    });

    expect(await explain(owner, stored.id)).toMatchObject({
      decision: "stored",
      reason: "sender_contact",
      rule: "R8",
      messageId: rowOf(stored.id),
    });
    expect((await explain(owner, stored.id)).decidedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const expectations: [string, string, string][] = [
      [notAContact.id, "not_a_contact", "R8"],
      [internal.id, "internal", "R7"],
      [assigned.id, "assigned_elsewhere", "R8"],
      [noRecipient.id, "no_contact_recipient", "R10"],
      [trashed.id, "ignored_label", "labels"],
      [old.id, "before_connect", "R2"],
    ];
    for (const [id, reason, rule] of expectations) {
      expect(await explain(owner, id)).toMatchObject({
        gmailMessageId: id,
        decision: "skipped",
        reason,
        rule,
        messageId: null,
      });
    }
    // R21: the other mailbox's copy is the same email, already in the location: the earlier row is named.
    expect(await explain({ locationId: owner.locationId, userId: other.userId }, theirs.id)).toMatchObject({
      decision: "skipped",
      reason: "already_stored",
      rule: "R21",
      messageId: rowOf(mine.id),
    });
    expect(await explain(owner, "badid")).toMatchObject({
      decision: "parked",
      reason: null,
      rule: "R24",
      messageId: null,
    });
  });

  it("R30: an explanation carries no subject, address or body, even of a skipped internal message", async () => {
    const owner = await connectedOwner();
    const secret = `secret-${crypto.randomUUID()}`;
    const colleague = mail("colleague");
    await createUser({ locationId: owner.locationId, email: colleague });
    const sent = await sendAsOwner(owner.address, {
      to: owner.address,
      cc: colleague,
      subject: `Subject ${secret}`,
      text: `Body ${secret}`,
    });
    await pushAndSync(owner.address);
    const { status, text } = await explainRaw(owner, sent.id);
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({
      explanation: {
        gmailMessageId: sent.id,
        decision: "skipped",
        reason: "internal",
        rule: "R7",
        messageId: null,
        decidedAt: expect.any(String),
      },
    });
    for (const leak of [secret, owner.address, colleague, "Subject", "Body"]) expect(text).not.toContain(leak);
  });

  it("R30: pending while queued, unknown when never seen; a queued message decided later is stored", async () => {
    const owner = await connectedOwner();
    const ann = await addContact(owner.locationId, mail("ann"));
    const later = await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Later" });
    await queue(owner.address, later.id, false);
    expect(await explain(owner, later.id)).toEqual({
      gmailMessageId: later.id,
      decision: "pending",
      reason: null,
      rule: "R22",
      messageId: null,
      decidedAt: null,
    });
    expect(await explain(owner, "0123456789abcdef")).toEqual({
      gmailMessageId: "0123456789abcdef",
      decision: "unknown",
      reason: null,
      rule: null,
      messageId: null,
      decidedAt: null,
    });
    expect((await today(owner)).seen).toBe(0);

    await pushAndSync(owner.address);
    expect(await explain(owner, later.id)).toMatchObject({ decision: "stored", rule: "R8" });
    expect(await today(owner)).toMatchObject({ seen: 1, stored: 1 });
  });

  it("R30/R14: a thread bound in one location is bound_elsewhere in the other, each location counting its own", async () => {
    const owner = await connectedOwner();
    const second = await connectedOwner({ account: owner.address, userId: owner.userId });
    const ann = await addContact(owner.locationId, mail("ann"));
    const first = await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Thread" });
    await pushAndSync(owner.address);
    await addContact(second.locationId, ann.email);
    await advanceClock(owner.address, PUSH_SPACING_MS);
    const reply = await deliver(owner.address, {
      from: ann.email,
      to: owner.address,
      subject: "Thread",
      inReplyTo: first.messageId ?? undefined,
      references: [first.messageId ?? ""],
    });
    expect(reply.threadId).toBe(first.threadId);
    await pushAndSync(owner.address);

    expect(await today(owner)).toMatchObject({ seen: 2, stored: 2, skipped: skipped() });
    expect(await today(second)).toMatchObject({
      seen: 2,
      stored: 0,
      skipped: skipped({ not_a_contact: 1, bound_elsewhere: 1 }),
    });
    expect(await explain(second, reply.id)).toMatchObject({
      decision: "skipped",
      reason: "bound_elsewhere",
      rule: "R14",
    });
    expect(await explain(owner, reply.id)).toMatchObject({ decision: "stored", reason: "bound_thread", rule: "R11" });
  });

  it("R30/R22: a chunk stored twice (the same messages reported again) keeps one decision each", async () => {
    const owner = await connectedOwner();
    const ann = await addContact(owner.locationId, mail("ann"));
    const one = await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Once" });
    await pushAndSync(owner.address);
    await queue(owner.address, one.id, true);
    await runAlarms(owner.address);
    expect(await messagesOf(owner.locationId)).toHaveLength(1);
    expect(await today(owner)).toMatchObject({ seen: 1, stored: 1 });
    expect(await explain(owner, one.id)).toMatchObject({
      decision: "stored",
      messageId: (await messagesOf(owner.locationId))[0]?.id,
    });
  });

  it("R30: decisions are kept 31 days; the cron purges older ones, one slice of locations per tick", async () => {
    const owner = await connectedOwner();
    const ann = await addContact(owner.locationId, mail("ann"));
    const kept = await deliver(owner.address, { from: ann.email, to: owner.address, subject: "Today" });
    await pushAndSync(owner.address);
    const db = await locationDb(env, owner.locationId);
    const now = Date.now();
    for (const [id, age] of [
      ["0000000000000a40", 40],
      ["0000000000000a29", 29],
    ] as const) {
      await db.$client
        .prepare(
          "INSERT INTO sync_decisions (location_id, mailbox_address, gmail_message_id, decision, reason, rule, decided_at) VALUES (?, ?, ?, 'skipped', 'not_a_contact', 'R8', ?)",
        )
        .bind(owner.locationId, owner.address, id, now - age * DAY_MS)
        .run();
    }
    const { rowid } = (await directoryDb(env)
      .$client.prepare("SELECT rowid FROM locations WHERE id = ?")
      .bind(owner.locationId)
      .first<{ rowid: number }>()) ?? { rowid: 0 };
    const tickMs = 5 * 60 * 1000;
    const tick = Math.floor(now / tickMs);
    const mine =
      tick + (((((rowid % PURGE_SLICES) - (tick % PURGE_SLICES)) % PURGE_SLICES) + PURGE_SLICES) % PURGE_SLICES);
    const remaining = async () =>
      (
        await db.$client
          .prepare("SELECT gmail_message_id AS id FROM sync_decisions WHERE location_id = ? ORDER BY id")
          .bind(owner.locationId)
          .all<{ id: string }>()
      ).results.map((r) => r.id);
    await purgeExpiredDecisions(env, (mine + 1) * tickMs); // another slice's tick: this location is not touched
    expect(await remaining()).toEqual(["0000000000000a29", "0000000000000a40", kept.id].sort());
    await purgeExpiredDecisions(env, mine * tickMs);
    expect(await remaining()).toEqual(["0000000000000a29", kept.id].sort());
    expect(await explain(owner, "0000000000000a40")).toMatchObject({ decision: "unknown" });
  });
});
