import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAILBOX_MIGRATIONS } from "../../src/mailbox/storage-schema";
import { mailboxStub } from "../../src/mailbox/stub";
import { uniqueEmail } from "../support/google";

/*
 * Before v5 the sync's tables were made outside the versioned list, at every start: these are the statements the
 * builds before it ran (ensureSyncStorage), kept here verbatim to make a stored object the old way.
 */
const OLD_SYNC_TABLES = `
  CREATE TABLE IF NOT EXISTS sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    notified_history_id TEXT,
    wanted INTEGER NOT NULL DEFAULT 0,
    scan_kind TEXT,
    scan_page_token TEXT,
    scan_query TEXT,
    scan_target TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at INTEGER,
    last_error TEXT
  );
  INSERT INTO sync_state (id) VALUES (1) ON CONFLICT DO NOTHING;
  CREATE TABLE IF NOT EXISTS sync_pending (
    message_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS sync_pending_seq ON sync_pending (seq);
  CREATE TABLE IF NOT EXISTS sync_parked (
    message_id TEXT PRIMARY KEY,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    parked_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS sync_state_changes (
    message_id TEXT PRIMARY KEY,
    unread INTEGER,
    trashed INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
  );
  CREATE TABLE IF NOT EXISTS sync_state_refresh (message_id TEXT PRIMARY KEY);`;

/** The columns the last build before v5 added to its tables at every start (pragma check, then ALTER). */
const LAST_BUILD_COLUMNS = `
  ALTER TABLE sync_pending ADD COLUMN open_attempt INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sync_pending ADD COLUMN suspect INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sync_state ADD COLUMN trailing_read_at INTEGER;`;

const SYNC_TABLES = ["sync_state", "sync_pending", "sync_parked", "sync_state_changes", "sync_state_refresh"];

/**
 * Turns a mailbox's storage back into what a build before v5 left: schema_version 4 and the sync's tables made
 * by `tables`, holding a queue, a parked message and a queued state change. Then the object is evicted, so the
 * next call constructs it again and runs the migrations as a deploy would.
 */
async function storeTheOldWay(address: string, tables: string): Promise<void> {
  const stub = mailboxStub(env, address);
  await runInDurableObject(stub, (_instance, state) => {
    const sql = state.storage.sql;
    for (const table of SYNC_TABLES) sql.exec(`DROP TABLE ${table}`);
    sql.exec(tables);
    sql.exec("UPDATE schema_version SET version = 4 WHERE id = 1");
    sql.exec("UPDATE sync_state SET wanted = 1, scan_target = '9000', failures = 2 WHERE id = 1");
    sql.exec("INSERT INTO sync_pending (message_id, seq, attempts, last_error) VALUES ('m-1', 1, 1, 'gmail 500')");
    sql.exec("INSERT INTO sync_pending (message_id, seq) VALUES ('m-2', 2)");
    sql.exec("INSERT INTO sync_parked (message_id, error, attempts, parked_at) VALUES ('m-0', 'unreadable', 3, 5)");
    sql.exec("INSERT INTO sync_state_changes (message_id, unread) VALUES ('m-9', 0)");
  });
  await evictDurableObject(stub);
}

/** What the migrated object holds: its schema version, the sync's columns and rows. */
function storedNow(address: string) {
  return runInDurableObject(mailboxStub(env, address), (_instance, state) => {
    const sql = state.storage.sql;
    const columns = (table: string) =>
      sql
        .exec<{ name: string }>("SELECT name FROM pragma_table_info(?)", table)
        .toArray()
        .map((c) => c.name);
    return {
      version: sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version,
      pendingColumns: columns("sync_pending"),
      stateColumns: columns("sync_state"),
      state: sql.exec("SELECT wanted, scan_target, failures, trailing_read_at FROM sync_state").toArray(),
      pending: sql
        .exec("SELECT message_id, attempts, last_error, open_attempt, suspect FROM sync_pending ORDER BY seq")
        .toArray(),
      parked: sql.exec("SELECT message_id, error FROM sync_parked").toArray(),
      stateChanges: sql.exec("SELECT message_id, unread FROM sync_state_changes").toArray(),
    };
  });
}

const KEPT = {
  state: [{ wanted: 1, scan_target: "9000", failures: 2, trailing_read_at: null }],
  pending: [
    { message_id: "m-1", attempts: 1, last_error: "gmail 500", open_attempt: 0, suspect: 0 },
    { message_id: "m-2", attempts: 0, last_error: null, open_attempt: 0, suspect: 0 },
  ],
  parked: [{ message_id: "m-0", error: "unreadable" }],
  stateChanges: [{ message_id: "m-9", unread: 0 }],
};

describe("the mailbox object's one migration list (storage-schema.ts)", () => {
  it("R22: a fresh object gets every table of the list, the sync's included, at the last version", async () => {
    const stored = await storedNow(uniqueEmail("fresh-schema"));
    expect(stored.version).toBe(MAILBOX_MIGRATIONS.length);
    expect(stored.pendingColumns).toEqual(expect.arrayContaining(["next_attempt_at", "open_attempt", "suspect"]));
    expect(stored.stateColumns).toContain("trailing_read_at");
    expect(stored.pending).toEqual([]);
  });

  it("R22/R24: an object the last build before v5 stored migrates with its queue, parked messages and state queue kept", async () => {
    const address = uniqueEmail("last-build-schema");
    await storeTheOldWay(address, OLD_SYNC_TABLES + LAST_BUILD_COLUMNS);
    const stored = await storedNow(address);
    expect(stored.version).toBe(MAILBOX_MIGRATIONS.length);
    expect(stored).toMatchObject(KEPT);
  });

  it("R22/R24: an object an older build stored (before reading 11 and 15's columns) gets them, its rows kept", async () => {
    const address = uniqueEmail("older-build-schema");
    await storeTheOldWay(address, OLD_SYNC_TABLES);
    const stored = await storedNow(address);
    expect(stored.version).toBe(MAILBOX_MIGRATIONS.length);
    expect(stored.pendingColumns).toEqual(expect.arrayContaining(["open_attempt", "suspect"]));
    expect(stored.stateColumns).toContain("trailing_read_at");
    expect(stored).toMatchObject(KEPT);
  });

  it("R22: the migrated object works: status counts the parked message, a sync request is taken", async () => {
    const address = uniqueEmail("migrated-works");
    await storeTheOldWay(address, OLD_SYNC_TABLES + LAST_BUILD_COLUMNS);
    const stub = mailboxStub(env, address);
    expect((await stub.status()).parkedMessages).toBe(1);
    // No account was ever connected here: the verbs read the migrated tables and answer as for any such mailbox.
    expect(await stub.notify("9001")).toEqual({ ok: false, error: "unknown_mailbox" });
  });
});
