import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { base64Lines, deliver as deliverBcc, mime, trustedResults } from "../bcc/support";
import { send } from "../send/support";
import { api, locationToken } from "../support/api";
import { allDatabases, tableNames } from "../support/databases";
import { deliver, deliverPushes, uniqueEmail } from "../support/google";
import { addContact, connectedOwner, messagesOf, runAlarms, syncInternals, syncNow, waitForRun } from "../sync/support";
import { locationsOnEachDatabase } from "./support";

/** One user's Gmail connected in a location on DB and in one on DB_2, and the same contact address in both. */
async function mailboxOverTwoDatabases() {
  const { DB: a, DB_2: b } = await locationsOnEachDatabase();
  const account = uniqueEmail("owner");
  const owner = await connectedOwner({ locationId: a, account });
  await connectedOwner({ locationId: b, account, userId: owner.userId });
  const email = uniqueEmail("both", "client.test");
  const contactA = await addContact(a, email);
  const contactB = await addContact(b, email);
  return { a, b, owner, email, contactA, contactB };
}

/** location id → the binding the directory records for it. */
async function homes(): Promise<Map<string, string>> {
  const rows = await (env.DB as D1Database)
    .prepare("SELECT id, database FROM locations")
    .all<{ id: string; database: string }>();
  return new Map(rows.results.map((r) => [r.id, r.database]));
}

async function hasLocationColumn(d1: D1Database, table: string): Promise<boolean> {
  const columns = await d1.prepare(`SELECT name FROM pragma_table_info('${table}')`).all<{ name: string }>();
  return columns.results.some((c) => c.name === "location_id");
}

describe("R31: locations over two D1 databases", () => {
  it("R31/R23: across connect, sync with fan-out, sends, BCC, no row of a location sits in another location's database", {
    timeout: 120_000,
  }, async () => {
    const { a, b, owner, email, contactA, contactB } = await mailboxOverTwoDatabases();
    const pdf = new TextEncoder().encode("%PDF-1.4 two databases");

    // Sync, fanned out to both locations (R8), with an attachment.
    await deliver(owner.address, {
      from: email,
      to: owner.address,
      subject: "To both",
      text: "hello both",
      attachments: [{ filename: "a.pdf", contentType: "application/pdf", contentBase64: btoa("%PDF-1.4 fake") }],
    });
    await deliverPushes(owner.address, (request) => exports.default.fetch(request));
    await runAlarms(owner.address);
    // A send through Gmail from A (its Sent copy synced back), a bulk send through the location provider from B.
    expect(
      (await send({ locationId: a, userId: owner.userId, contactId: contactA.id }, { subject: "From A", text: "a" }))
        .status,
    ).toBe(201);
    const bulk = await send(
      { locationId: b, userId: owner.userId, contactId: contactB.id },
      {
        kind: "bulk",
        subject: "From B",
        text: "b",
        attachments: [{ filename: "b.pdf", contentType: "application/pdf", contentBase64: btoa("%PDF b") }],
      },
    );
    expect(bulk.status).toBe(201);
    await syncNow(owner.address);
    // BCC logging into B by the same user.
    const location = await api<{ location: { bccAddress: string } }>("GET", `/v1/locations/${b}`, {
      token: await locationToken(b),
    });
    const raw = mime(
      [
        trustedResults("crm.test"),
        `From: ${owner.userId.toLowerCase()}@crm.test`,
        `To: ${email}`,
        "Subject: Logged in B",
        `Message-ID: <r31-walk-${b}@crm.test>`,
        'Content-Type: multipart/mixed; boundary="b"',
      ],
      [
        "--b",
        "Content-Type: text/plain",
        "",
        "logged",
        "--b",
        "Content-Type: application/pdf",
        'Content-Disposition: attachment; filename="c.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        base64Lines(pdf),
        "--b--",
        "",
      ],
    );
    expect((await deliverBcc(raw, { to: location.body.location.bccAddress })).rejections).toEqual([]);

    expect((await messagesOf(a)).map((m) => m.subject).sort()).toEqual(["From A", "To both"]);
    expect((await messagesOf(b)).map((m) => m.subject).sort()).toEqual(["From B", "Logged in B", "To both"]);

    // The walk: every row of every table of both databases.
    const home = await homes();
    const seen = new Map<string, Set<string>>();
    for (const { binding, d1 } of allDatabases()) {
      for (const table of await tableNames(d1)) {
        if (!(await hasLocationColumn(d1, table))) {
          // Directory tables: their rows live in DB alone.
          if (binding !== "DB") {
            const n = await d1.prepare(`SELECT count(*) AS n FROM "${table}"`).first<{ n: number }>();
            expect(n?.n, `${binding}.${table} is a directory table`).toBe(0);
          }
          continue;
        }
        const rows = await d1.prepare(`SELECT DISTINCT location_id FROM "${table}"`).all<{ location_id: string }>();
        for (const { location_id: loc } of rows.results) {
          expect(home.get(loc), `${binding}.${table} holds rows of location ${loc}`).toBe(binding);
          if (loc === a || loc === b)
            seen.set(`${binding}.${table}`, (seen.get(`${binding}.${table}`) ?? new Set()).add(loc));
        }
      }
    }
    // Not a vacuous walk: each location's rows were found, in its own database, in every table the flows write.
    for (const table of [
      "members",
      "connections",
      "contacts",
      "conversations",
      "thread_bindings",
      "messages",
      "attachments",
    ]) {
      expect([...(seen.get(`DB.${table}`) ?? [])], `DB.${table}`).toEqual([a]);
      expect([...(seen.get(`DB_2.${table}`) ?? [])], `DB_2.${table}`).toEqual([b]);
    }
    // R2 content follows the same wall: B's kept attachments are under B's prefix.
    const keys = await (env.DB_2 as D1Database)
      .prepare("SELECT storage_key FROM attachments WHERE location_id = ? AND storage_key IS NOT NULL")
      .bind(b)
      .all<{ storage_key: string }>();
    expect(keys.results.length).toBe(2);
    for (const { storage_key } of keys.results)
      expect(storage_key.startsWith(`loc/${b}/contact/${contactB.id}/`)).toBe(true);
  });

  it("R31/R22: a chunk committed in one database and refused by the other keeps the cursor; the re-run stores nothing twice", {
    timeout: 60_000,
  }, async () => {
    const { a, b, owner, email } = await mailboxOverTwoDatabases();
    const db2 = env.DB_2 as D1Database;
    const cursorBefore = (await syncInternals(owner.address)).cursor;
    // DB_2 refuses B's messages: what a crash between the two batches leaves (A committed, B not).
    await db2
      .prepare(`CREATE TRIGGER r31_outage BEFORE INSERT ON messages WHEN NEW.location_id = '${b}'
        BEGIN SELECT RAISE(ABORT, 'r31 test: database unavailable'); END`)
      .run();
    const sent = await deliver(owner.address, { from: email, to: owner.address, subject: "Half stored", text: "x" });
    await deliverPushes(owner.address, (request) => exports.default.fetch(request));
    // The push only asks for a sync: wait for the run that stores in A and meets DB_2's refusal.
    let inA = await messagesOf(a);
    for (const deadline = Date.now() + 15_000; inA.length === 0 && Date.now() < deadline; inA = await messagesOf(a)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitForRun(owner.address);

    expect(inA.map((m) => m.gmail?.messageId)).toEqual([sent.id]);
    expect(await messagesOf(b)).toEqual([]);
    const mid = await syncInternals(owner.address);
    expect(mid.pending).toEqual([sent.id]);
    expect(mid.cursor).toBe(cursorBefore);

    await db2.prepare("DROP TRIGGER r31_outage").run();
    await runAlarms(owner.address);

    const afterA = await messagesOf(a);
    expect(afterA.map((m) => m.id)).toEqual(inA.map((m) => m.id));
    const conversations = await api<{ conversations: { messageCount: number }[] }>(
      "GET",
      `/v1/locations/${a}/conversations`,
      {
        token: await locationToken(a),
      },
    );
    expect(conversations.body.conversations.map((c) => c.messageCount)).toEqual([1]);
    expect((await messagesOf(b)).map((m) => m.gmail?.messageId)).toEqual([sent.id]);
    const done = await syncInternals(owner.address);
    expect(done.pending).toEqual([]);
    expect(done.cursor).not.toBe(cursorBefore);
  });

  it("R31: a location's database is fixed at creation: renaming it, or adding load elsewhere, moves nothing", async () => {
    const { DB: a, DB_2: b } = await locationsOnEachDatabase();
    const rename = await api("PUT", `/v1/locations/${b}`, { body: { name: "Renamed" } });
    expect(rename.status).toBe(200);
    for (let i = 0; i < 3; i++) await locationsOnEachDatabase();
    const home = await homes();
    expect([home.get(a), home.get(b)]).toEqual(["DB", "DB_2"]);
    const counts = await (env.DB as D1Database)
      .prepare("SELECT binding, locations FROM location_databases ORDER BY binding")
      .all();
    const byDatabase = new Map<string, number>();
    for (const database of home.values()) byDatabase.set(database, (byDatabase.get(database) ?? 0) + 1);
    expect(counts.results).toEqual([...byDatabase].sort().map(([binding, locations]) => ({ binding, locations })));
  });
});
