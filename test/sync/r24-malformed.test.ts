import PostalMime from "postal-mime";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mailboxStub } from "../../src/mailbox/stub";
import { getMailbox } from "../support/connect";
import { parseAddress } from "../../src/mail/address";
import arf from "../fixtures/eml/arf.eml?raw";
import bounce from "../fixtures/eml/bounce.eml?raw";
import calendarEvent from "../fixtures/eml/calendar-event.eml?raw";
import mimeTorture from "../fixtures/eml/mimetorture.eml?raw";
import mixed from "../fixtures/eml/mixed.eml?raw";
import { fetchApi, locationToken } from "../support/api";
import { advanceClock, deliver, deliverPushes, PUSH_SPACING_MS, readMailbox, uniqueEmail } from "../support/google";
import { exports } from "cloudflare:workers";
import { MESSAGE_RETRY_DELAYS_MS } from "../../src/sync/plan";
import {
  addContact,
  connectedOwner,
  messagesOf,
  pushAndSync,
  syncInternals,
  trailingReadAt,
  waitForRun,
  type Owner,
} from "./support";

function raw(from: string, to: string, headers: string, body: string): string {
  return `From: ${from}\r\nTo: ${to}\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${crypto.randomUUID()}@client.test>\r\n${headers}\r\n${body}`;
}

async function deliverRaw(owner: Owner, text: string): Promise<string> {
  await advanceClock(owner.address, PUSH_SPACING_MS);
  return (await deliver(owner.address, { raw: text })).id;
}

describe("R24: malformed mail is stored as well as it can be parsed, and never blocks the next message", () => {
  it("R24: broken MIME, bad charsets and a 2 MB header block are each stored or parked; the message after them syncs", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("odd", "client.test"));
    const from = `Odd Sender <${contact.email}>`;
    const junk = Array.from({ length: 2_100 }, () => `X-Junk: ${"j".repeat(990)}`).join("\r\n");
    const ids = [
      await deliverRaw(
        owner,
        raw(
          from,
          owner.address,
          'Subject: no closing boundary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="zzz"\r\n',
          "--zzz\r\nContent-Type: text/plain\r\n\r\nhalf a body\r\n--zzz\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK!!!not base64",
        ),
      ),
      await deliverRaw(
        owner,
        raw(
          from,
          owner.address,
          "Subject: =?x-unknown-charset?Q?caf=E9?=\r\nContent-Type: text/plain; charset=x-made-up\r\nContent-Transfer-Encoding: quoted-printable\r\n",
          "na=EFve caf=E9 =\r\nsoft break",
        ),
      ),
      await deliverRaw(
        owner,
        raw(
          from,
          owner.address,
          "Subject: latin1 declared as utf-8\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
          "caf\xe9",
        ),
      ),
      await deliverRaw(owner, raw(from, owner.address, `Subject: huge headers\r\n${junk}\r\n`, "small body")),
    ];
    const good = await deliverRaw(owner, raw(from, owner.address, "Subject: the next one\r\n", "all fine"));
    await pushAndSync(owner.address);

    const stored = await messagesOf(owner.locationId);
    const parked = (await syncInternals(owner.address)).parked.map((p) => p.message_id);
    for (const id of ids) expect(stored.some((m) => m.gmail?.messageId === id) || parked.includes(id)).toBe(true);
    expect(stored.find((m) => m.gmail?.messageId === good)?.text?.trim()).toBe("all fine");
    expect(parked).toEqual([]);

    const bySubject = new Map(stored.map((m) => [m.subject, m]));
    expect(bySubject.get("no closing boundary")?.text).toContain("half a body");
    // An unknown charset: the words are kept as well as they decode, the body falls back to Latin-1.
    const unknown = stored.find((m) => m.subject.startsWith("caf"));
    expect(unknown?.text).toContain("naïve café");
    expect(bySubject.get("latin1 declared as utf-8")?.text).toMatch(/^caf./);
    expect(bySubject.get("huge headers")?.text?.trim()).toBe("small body");
  });

  it.each([
    ["arf.eml", arf],
    ["bounce.eml", bounce],
    ["calendar-event.eml", calendarEvent],
    ["mimetorture.eml", mimeTorture],
    ["mixed.eml", mixed],
  ])("R24/R17: the real-world message %s syncs through Gmail with its parts intact", async (_name, eml) => {
    const owner = await connectedOwner();
    const parsed = await PostalMime.parse(eml);
    // A fixture without From (mixed.eml) is given one: only a contact's mail syncs (R8).
    const sender = parseAddress(parsed.from?.address ?? null) ?? {
      email: uniqueEmail("fixture", "client.test"),
      name: null,
    };
    const text = parsed.from ? eml : `From: ${sender.email}\r\n${eml}`;
    const contact = await addContact(owner.locationId, sender.email);
    const id = await deliverRaw(owner, text);
    await pushAndSync(owner.address);

    const [message, ...rest] = await messagesOf(owner.locationId, contact.id);
    expect(rest).toEqual([]);
    expect(message?.gmail?.messageId).toBe(id);
    // Gmail's own view of the message (the emulator's MIME parser) is the reference for its parts.
    const view = (await readMailbox(owner.address)).messages.find((m) => m.id === id);
    expect(message?.subject).toBe(view?.subject);
    if (view?.html) expect(message?.html).toContain(view.html.trim().slice(0, 200));
    if (view?.text && !/format=flowed/i.test(eml)) expect(message?.text).toContain(view.text.trim().slice(0, 200));
    // Every part Gmail calls an attachment is one here, same type, size and name; parts that are neither
    // body nor named attachment (delivery reports, attached messages, calendar data) are kept as well.
    const ours = (message?.attachments ?? []).map((a) => `${a.contentType} ${a.size} ${a.filename}`);
    const gmails = (view?.attachments ?? []).map((a) => `${a.mimeType} ${a.size} ${a.filename ?? ""}`);
    expect(ours).toEqual(expect.arrayContaining(gmails));
    // Each part's bytes come back through Gmail exactly.
    const token = await locationToken(owner.locationId);
    for (const attachment of message?.attachments ?? []) {
      const res = await fetchApi(
        "GET",
        `/v1/locations/${owner.locationId}/messages/${message?.id}/attachments/${attachment.id}`,
        { token },
      );
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(attachment.size);
    }
  });

  it("R24: a message that fails three times is parked, counted in the mailbox status, and the sync goes on", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("after", "client.test"));
    // A message Gmail refuses every time (400 on this id): queued as if history had reported it.
    await runInDurableObject(mailboxStub(env, owner.address), async (_instance, state) => {
      state.storage.sql.exec("INSERT INTO sync_pending (message_id, seq) VALUES ('bad id!', 0)");
      state.storage.sql.exec("UPDATE sync_state SET wanted = 1 WHERE id = 1");
      await state.storage.setAlarm(Date.now());
    });
    await deliverRaw(owner, raw(contact.email, owner.address, "Subject: behind the broken one\r\n", "fine"));
    await pushAndSync(owner.address);

    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["behind the broken one"]);
    const internals = await syncInternals(owner.address);
    expect(internals.parked.map((p) => p.message_id)).toEqual(["bad id!"]);
    expect(internals.parked[0]?.error).toMatch(/^gmail 400/);
    expect(internals.pending).toEqual([]);
    expect((await getMailbox(owner.locationId, owner.userId)).parkedMessages).toBe(1);
  });

  it("R24: a message Gmail keeps refusing is tried once per alarm, with backoff, while the messages around it sync", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, uniqueEmail("around", "client.test"));
    const stub = mailboxStub(env, owner.address);
    const queueBad = () =>
      runInDurableObject(stub, (_instance, state) => {
        state.storage.sql.exec("INSERT INTO sync_pending (message_id, seq) VALUES ('still bad!', 0)");
        state.storage.sql.exec("UPDATE sync_state SET wanted = 1 WHERE id = 1");
      });
    const badRow = () =>
      runInDurableObject(
        stub,
        (_instance, state) =>
          state.storage.sql
            .exec<{ attempts: number; next_attempt_at: number | null }>(
              "SELECT attempts, next_attempt_at FROM sync_pending WHERE message_id = 'still bad!'",
            )
            .toArray()[0] ?? null,
      );
    await queueBad();
    await deliverRaw(owner, raw(contact.email, owner.address, "Subject: first neighbour\r\n", "fine"));
    const startedAt = Date.now();
    await deliverPushes(owner.address, (r) => exports.default.fetch(r));

    // One run: one attempt, then the message waits a minute; the one beside it is stored meanwhile.
    const alarm = await waitForRun(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject)).toEqual(["first neighbour"]);
    const first = await badRow();
    expect(first?.attempts).toBe(1);
    expect(first?.next_attempt_at).toBeGreaterThanOrEqual(startedAt + MESSAGE_RETRY_DELAYS_MS[0]);
    // The next wake-up: its retry, or reading 15's trailing history read when that comes first.
    expect(alarm).toBe(Math.min(first?.next_attempt_at ?? Infinity, (await trailingReadAt(owner.address)) ?? Infinity));
    expect((await syncInternals(owner.address)).parked).toEqual([]);

    // News while it waits syncs at once; the waiting message is not tried before its time.
    await deliverRaw(owner, raw(contact.email, owner.address, "Subject: second neighbour\r\n", "fine"));
    await deliverPushes(owner.address, (r) => exports.default.fetch(r));
    await waitForRun(owner.address);
    expect((await messagesOf(owner.locationId)).map((m) => m.subject).sort()).toEqual([
      "first neighbour",
      "second neighbour",
    ]);
    expect((await badRow())?.attempts).toBe(1);

    // Its time comes (made due here): one more attempt per alarm, parked at the third.
    const makeDue = () =>
      runInDurableObject(stub, (_instance, state) =>
        state.storage.sql.exec("UPDATE sync_pending SET next_attempt_at = 0"),
      );
    await makeDue();
    await runDurableObjectAlarm(stub);
    const second = await badRow();
    expect(second?.attempts).toBe(2);
    expect(second?.next_attempt_at).toBeGreaterThanOrEqual(Date.now() + MESSAGE_RETRY_DELAYS_MS[1] - 5_000);
    await makeDue();
    await runDurableObjectAlarm(stub);
    expect(await badRow()).toBeNull();
    expect((await syncInternals(owner.address)).parked.map((p) => p.message_id)).toEqual(["still bad!"]);
    expect((await getMailbox(owner.locationId, owner.userId)).parkedMessages).toBe(1);
    expect(await waitForRun(owner.address)).toBe(await trailingReadAt(owner.address));
  });
});
