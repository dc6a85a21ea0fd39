/**
 * R17, reading 12: a synced attachment is served by the Worker straight from Gmail's attachments.get,
 * streamed and decoded on the way, with a token the mailbox's Durable Object lends. Everything runs for
 * real (route, D1, the mailbox object, the sync) against the Google emulator.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { send, sentInGmail } from "../send/support";
import { api, fetchApi, locationToken } from "../support/api";
import { concatBytes } from "../support/bytes";
import {
  advanceClock,
  counters,
  deleteMessage,
  deliver,
  deliverPushes,
  failNext,
  PUSH_SPACING_MS,
  resetCounters,
  uniqueEmail,
} from "../support/google";
import {
  addContact,
  connectedOwner,
  messagesOf,
  pushAndSync,
  runAlarms,
  syncInternals,
  type Owner,
} from "../sync/support";

/** Random bytes (crypto.getRandomValues hands at most 64 KiB a call). */
function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
  return bytes;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

/** Where two byte strings first differ (null when equal): a failure reads short, never as a megabyte diff. */
function firstDifference(actual: Uint8Array, expected: Uint8Array): string | null {
  const length = Math.min(actual.length, expected.length);
  for (let i = 0; i < length; i++) {
    if (actual[i] !== expected[i]) return `byte ${i}: ${actual[i]} instead of ${expected[i]}`;
  }
  return actual.length === expected.length ? null : `${actual.length} bytes instead of ${expected.length}`;
}

interface Synced {
  owner: Owner;
  contact: { id: string; email: string };
  messageId: string;
  attachments: { id: string; filename: string; size: number }[];
}

/** A contact's email with these attachments, delivered into the owner's Gmail and synced into the CRM. */
async function syncedWith(files: { filename: string; contentType: string; bytes: Uint8Array }[]): Promise<Synced> {
  const owner = await connectedOwner();
  const contact = await addContact(owner.locationId, uniqueEmail("sender", "client.test"));
  await deliver(owner.address, {
    from: contact.email,
    to: owner.address,
    subject: "Files",
    text: "attached",
    attachments: files.map((f) => ({
      filename: f.filename,
      contentType: f.contentType,
      contentBase64: base64(f.bytes),
    })),
  });
  await pushAndSync(owner.address);
  const [message] = await messagesOf(owner.locationId, contact.id);
  if (!message) throw new Error("the email was not synced");
  return { owner, contact, messageId: message.id, attachments: message.attachments };
}

async function download(synced: Synced, attachmentId: string): Promise<Response> {
  return fetchApi(
    "GET",
    `/v1/locations/${synced.owner.locationId}/messages/${synced.messageId}/attachments/${attachmentId}`,
    {
      token: await locationToken(synced.owner.locationId),
    },
  );
}

const attachmentNamed = (synced: Synced, filename: string) => {
  const found = synced.attachments.find((a) => a.filename === filename);
  if (!found) throw new Error(`no attachment ${filename}`);
  return found;
};

describe("R17, reading 12: attachment downloads streamed from Gmail through the Worker", () => {
  it("R17/reading 12: a 3 KB and a 6 MB attachment come back byte for byte, with API.md's headers", async () => {
    const small = randomBytes(3 * 1024 + 1);
    const large = randomBytes(6 * 1024 * 1024 + 2);
    const synced = await syncedWith([
      { filename: "notes.bin", contentType: "application/octet-stream", bytes: small },
      { filename: "Große Datei.pdf", contentType: "application/pdf", bytes: large },
    ]);
    await resetCounters(synced.owner.address);
    for (const [filename, bytes, type] of [
      ["notes.bin", small, "application/octet-stream"],
      ["Große Datei.pdf", large, "application/pdf"],
    ] as const) {
      const res = await download(synced, attachmentNamed(synced, filename).id);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
      expect(res.headers.get("content-length")).toBe(String(bytes.length));
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(firstDifference(new Uint8Array(await res.arrayBuffer()), bytes), filename).toBeNull();
    }
    // Each download: one messages.get (to find the part's attachment id of this read), one attachments.get.
    const spent = await counters(synced.owner.address);
    expect(spent.requests["users.messages.attachments.get"]).toBe(2);
    expect(spent.requests["users.messages.get"]).toBe(2);
  }, 60_000);

  it("reading 12: a download while the mailbox syncs 40 new emails leaves the sync whole", async () => {
    const large = randomBytes(3 * 1024 * 1024);
    const synced = await syncedWith([{ filename: "big.bin", contentType: "application/octet-stream", bytes: large }]);
    const { owner, contact } = synced;
    // Gmail pushes at most once a second per mailbox (reading 15): the burst's push must not be dropped.
    await advanceClock(owner.address, PUSH_SPACING_MS);
    for (let i = 0; i < 40; i++) {
      await deliver(owner.address, { from: contact.email, to: owner.address, subject: `Burst ${i}`, text: `n${i}` });
    }
    await resetCounters(owner.address);
    // The push starts the sync in the object's alarm; the download runs beside it.
    await deliverPushes(owner.address, (request) => exports.default.fetch(request));
    const [res] = await Promise.all([
      download(synced, attachmentNamed(synced, "big.bin").id),
      runAlarms(owner.address),
    ]);
    expect(res.status).toBe(200);
    expect(firstDifference(new Uint8Array(await res.arrayBuffer()), large)).toBeNull();
    await runAlarms(owner.address);
    const subjects = (await messagesOf(owner.locationId, contact.id)).map((m) => m.subject);
    expect(subjects).toHaveLength(41);
    expect(new Set(subjects).size).toBe(41);
    const internals = await syncInternals(owner.address);
    expect(internals.pending).toEqual([]);
    expect(internals.parked).toEqual([]);
    // The download's calls went through the object's pacer with the sync's: Google refused nothing.
    expect((await counters(owner.address)).rateLimited).toBe(0);
  }, 60_000);

  it("R17/reading 12: a send through the same mailbox while a download is half read goes out; the download then ends byte for byte", async () => {
    const large = randomBytes(6 * 1024 * 1024);
    const synced = await syncedWith([{ filename: "big.bin", contentType: "application/octet-stream", bytes: large }]);
    const { owner, contact } = synced;
    const res = await download(synced, attachmentNamed(synced, "big.bin").id);
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    const first = await reader.read();
    if (!first.done) chunks.push(first.value);
    // The mailbox object lent a token and holds nothing of the download: its send goes on beside it.
    const sent = await send(
      { locationId: owner.locationId, userId: owner.userId, contactId: contact.id },
      { subject: "Sent mid-download", text: "while the attachment streams" },
    );
    expect(sent.status).toBe(201);
    expect((await sentInGmail(owner.address)).map((m) => m.subject)).toEqual(["Sent mid-download"]);
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
    expect(firstDifference(concatBytes(chunks), large)).toBeNull();
  }, 60_000);

  it("R17: a 401 on attachments.get refreshes the lent token once and the download goes on", async () => {
    const bytes = randomBytes(100_000);
    const synced = await syncedWith([{ filename: "a.bin", contentType: "application/octet-stream", bytes }]);
    await resetCounters(synced.owner.address);
    await failNext(synced.owner.address, "users.messages.attachments.get", 401);
    const res = await download(synced, attachmentNamed(synced, "a.bin").id);
    expect(res.status).toBe(200);
    expect(firstDifference(new Uint8Array(await res.arrayBuffer()), bytes)).toBeNull();
    expect((await counters(synced.owner.address)).requests["users.messages.attachments.get"]).toBe(2);
  });

  it("R17: Gmail errors answer as before: 5xx → 502 gmail_error, a 401 after a fresh token → 404, gone → 404", async () => {
    const synced = await syncedWith([
      { filename: "a.bin", contentType: "application/octet-stream", bytes: randomBytes(10) },
    ]);
    const id = attachmentNamed(synced, "a.bin").id;
    await failNext(synced.owner.address, "users.messages.attachments.get", 500);
    const failed = await download(synced, id);
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({
      error: { code: "gmail_error", details: { reason: "attachment_unavailable" } },
    });

    await failNext(synced.owner.address, "users.messages.attachments.get", 401, 2);
    const refused = await download(synced, id);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: "not_found" } });

    const [message] = await messagesOf(synced.owner.locationId, synced.contact.id);
    await deleteMessage(synced.owner.address, message!.gmail!.messageId);
    const gone = await download(synced, id);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("R17/R5: after the location disconnects, the mailbox lends no token for it (404), and nothing reaches Gmail", async () => {
    const synced = await syncedWith([
      { filename: "a.bin", contentType: "application/octet-stream", bytes: randomBytes(10) },
    ]);
    const { owner } = synced;
    const disconnected = await api("DELETE", `/v1/locations/${owner.locationId}/users/${owner.userId}/mailbox`);
    expect(disconnected.status).toBe(200);
    await resetCounters(owner.address);
    const res = await download(synced, attachmentNamed(synced, "a.bin").id);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    expect((await counters(owner.address)).totalRequests).toBe(0);
  });
});
