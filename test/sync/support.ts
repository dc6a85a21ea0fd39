/**
 * Steps of the sync tests: a connected owner, contacts, mail delivered in the emulator, Pub/Sub pushes
 * delivered to the real webhook, and the mailbox DO's alarm run explicitly until the sync is idle.
 * Results are read back through the public API only.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { mailboxStub } from "../../src/mailbox/stub";
import { alarmRunning } from "../support/alarm-runs";
import { api, locationToken } from "../support/api";
import { connectMailbox } from "../support/connect";
import { createAccount, deliverPushes, uniqueEmail } from "../support/google";

export interface Owner {
  locationId: string;
  userId: string;
  address: string;
}

export interface MessageJson {
  id: string;
  conversationId: string;
  contactId: string;
  direction: "inbound" | "outbound";
  source: string;
  from: { email: string; name: string | null };
  to: { email: string; name: string | null }[];
  cc: { email: string; name: string | null }[];
  bcc: { email: string; name: string | null }[];
  subject: string;
  text: string | null;
  html: string | null;
  sentAt: string;
  messageIdHeader: string | null;
  gmail: { mailbox: string; messageId: string; threadId: string } | null;
  unread: boolean;
  gmailState: "present" | "trashed" | "deleted" | null;
  attachments: {
    id: string;
    filename: string;
    contentType: string;
    size: number;
    inline: boolean;
    contentId: string | null;
  }[];
}

/** A user with a Gmail account connected in a location (new ones unless given). */
export async function connectedOwner(
  options: { locationId?: string; userId?: string; account?: string } = {},
): Promise<Owner> {
  const account = options.account ?? uniqueEmail("owner");
  await createAccount(account);
  return connectMailbox({
    account,
    ...(options.locationId ? { locationId: options.locationId } : {}),
    ...(options.userId ? { userId: options.userId } : {}),
  });
}

export async function addContact(
  locationId: string,
  email: string = uniqueEmail("contact", "client.test"),
  extra: { name?: string; assignedUserId?: string } = {},
): Promise<{ id: string; email: string }> {
  const res = await api<{ contact: { id: string; email: string } }>("POST", `/v1/locations/${locationId}/contacts`, {
    body: { email, ...extra },
  });
  if (res.status !== 201) throw new Error(`addContact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.contact;
}

/**
 * Waits until the mailbox's sync is idle: no run under way, nothing pending or scanning, no reconciliation
 * asked for or running (R30), no alarm set. Alarms due now fire by themselves; one set for later (a backoff)
 * is run at once, with every message waiting out its own backoff (R24) and the reconciliation's backoff made
 * due, so tests never wait for real backoff time. A paused
 * mailbox (needs_reauth, disconnected) counts as idle once its alarm is spent: it keeps its progress
 * for the reconnect but does no work now.
 */
export async function runAlarms(address: string, timeoutMs = 20_000): Promise<void> {
  const stub = mailboxStub(env, address);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const probe = await runInDurableObject(stub, async (instance, state) => {
      const sql = state.storage.sql;
      const row = sql
        .exec<{
          wanted: number;
          scan_kind: string | null;
          scan_target: string | null;
          trailing_read_at: number | null;
        }>("SELECT wanted, scan_kind, scan_target, trailing_read_at FROM sync_state")
        .toArray()[0];
      const pending = sql.exec<{ n: number }>("SELECT count(*) AS n FROM sync_pending").one().n;
      const active = sql.exec<{ status: string }>("SELECT status FROM account").toArray()[0]?.status === "active";
      // R30: a reconciliation asked for or under way is work too.
      const reconcile =
        sql
          .exec<{ n: number }>(
            "SELECT count(*) AS n FROM reconcile_state WHERE requested_at IS NOT NULL OR run_started_at IS NOT NULL",
          )
          .one().n > 0;
      // A paused mailbox (needs_reauth, disconnected) keeps its progress for later but does no work now.
      const busy =
        active &&
        ((row?.wanted ?? 0) === 1 || row?.scan_kind != null || row?.scan_target != null || pending > 0 || reconcile);
      return {
        running: alarmRunning(instance),
        alarm: await state.storage.getAlarm(),
        busy,
        trailing: row?.trailing_read_at ?? null,
      };
    });
    // Reading 15's trailing history read is left for its time (reading-15-trailing-read.test.ts runs it).
    if (!probe.running && !probe.busy && (probe.alarm === null || probe.alarm === probe.trailing)) return;
    if (!probe.running && probe.alarm !== null && probe.alarm > Date.now() + 20) {
      await runInDurableObject(stub, (_instance, state) => {
        state.storage.sql.exec("UPDATE sync_pending SET next_attempt_at = NULL");
        state.storage.sql.exec("UPDATE reconcile_state SET retry_at = NULL");
      });
      await runDurableObjectAlarm(stub);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  throw new Error(`runAlarms: the sync of ${address} is still busy after ${timeoutMs} ms`);
}

/**
 * Waits for the runs due now to end, without running any alarm set for later; returns that alarm's time
 * (null when none is set). For tests that look at what a sync leaves for a later alarm.
 */
export async function waitForRun(address: string, timeoutMs = 10_000): Promise<number | null> {
  const stub = mailboxStub(env, address);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const probe = await runInDurableObject(stub, async (instance, state) => ({
      running: alarmRunning(instance),
      alarm: await state.storage.getAlarm(),
    }));
    if (!probe.running && (probe.alarm === null || probe.alarm > Date.now() + 1_000)) return probe.alarm;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`waitForRun: the sync of ${address} is still running after ${timeoutMs} ms`);
}

/** When reading 15's trailing history read is due (null when none is planned): the alarm a quiet sync leaves. */
export async function trailingReadAt(address: string): Promise<number | null> {
  return runInDurableObject(
    mailboxStub(env, address),
    (_instance, state) =>
      state.storage.sql.exec<{ at: number | null }>("SELECT trailing_read_at AS at FROM sync_state").toArray()[0]?.at ??
      null,
  );
}

/** Asks the mailbox for a sync (as the cron does) and runs it until idle, or until it pauses (R6). */
export async function syncNow(address: string): Promise<void> {
  await mailboxStub(env, address).requestSync(Date.now());
  await runAlarms(address);
}

/** Pub/Sub delivers this mailbox's due pushes to the webhook; then the sync runs to idle. */
export async function pushAndSync(address: string): Promise<number[]> {
  const { statuses } = await deliverPushes(address, (request) => exports.default.fetch(request));
  await runAlarms(address);
  return statuses;
}

/** Every message of every conversation of a location, oldest first within each conversation. */
export async function messagesOf(locationId: string, contactId?: string): Promise<MessageJson[]> {
  const token = await locationToken(locationId);
  const query = contactId ? `?contactId=${contactId}&limit=200` : "?limit=200";
  const conversations = await api<{ conversations: { id: string }[] }>(
    "GET",
    `/v1/locations/${locationId}/conversations${query}`,
    { token },
  );
  const out: MessageJson[] = [];
  for (const conversation of conversations.body.conversations) {
    let cursor: string | null = null;
    do {
      const page: { body: { messages: MessageJson[]; nextCursor: string | null } } = await api(
        "GET",
        `/v1/locations/${locationId}/conversations/${conversation.id}/messages?limit=200${cursor ? `&cursor=${cursor}` : ""}`,
        { token },
      );
      out.push(...page.body.messages);
      cursor = page.body.nextCursor;
    } while (cursor);
  }
  return out;
}

/** The sync's private state (a test-only look inside the DO: the cursor must never run ahead of the rows). */
export async function syncInternals(address: string): Promise<{
  cursor: string | null;
  pending: string[];
  parked: { message_id: string; error: string }[];
  state: Record<string, unknown>;
}> {
  return runInDurableObject(mailboxStub(env, address), (_instance, state) => {
    const sql = state.storage.sql;
    return {
      cursor:
        sql.exec<{ history_id: string | null }>("SELECT history_id FROM account").toArray()[0]?.history_id ?? null,
      pending: sql
        .exec<{ message_id: string }>("SELECT message_id FROM sync_pending ORDER BY seq")
        .toArray()
        .map((r) => r.message_id),
      parked: sql.exec<{ message_id: string; error: string }>("SELECT message_id, error FROM sync_parked").toArray(),
      state: sql.exec("SELECT * FROM sync_state").toArray()[0] ?? {},
    };
  });
}
