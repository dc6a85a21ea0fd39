import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConnection } from "../../src/db/connections";
import { directoryDb, locationDb } from "../../src/db/database";
import { getMailboxRow } from "../../src/db/mailboxes/directory";
import { api, locationToken } from "../support/api";
import { connectFlow, connectMailbox, getMailbox, mailboxStatus } from "../support/connect";
import {
  advanceClock,
  changePassword,
  counters,
  deliver,
  failNext,
  hangNext,
  readMailbox,
  revoke,
  uniqueEmail,
} from "../support/google";
import { addContact, messagesOf, runAlarms, syncNow } from "../sync/support";

const HOUR = 60 * 60 * 1000;

/** Google's clock passes the access token's hour; a sync then needs a refresh, which Google refuses. */
async function refreshRefused(account: string): Promise<void> {
  await advanceClock(account, 2 * HOUR);
  await syncNow(account);
}

/** Google's clock passes the access token's hour; a sync then refreshes it and runs to idle. */
async function useTokenAfterExpiry(account: string): Promise<void> {
  await advanceClock(account, 2 * HOUR);
  await syncNow(account);
}

describe("R6: re-authentication", () => {
  it("R6: a revoked grant turns the connection needs_reauth at once, in the API and the D1 mirrors", async () => {
    const account = uniqueEmail("r6-revoke");
    const { locationId, userId } = await connectMailbox({ account });
    await revoke(account);
    // The access token dies with the grant: Gmail's 401, one refresh, invalid_grant.
    await syncNow(account);

    expect((await getMailbox(locationId, userId)).status).toBe("needs_reauth");
    expect((await mailboxStatus(account)).reauthReason).toBe("invalid_grant");
    expect(await getConnection(await locationDb(env, locationId), locationId, userId)).toMatchObject({
      status: "needs_reauth",
    });
    expect(await getMailboxRow(directoryDb(env), account)).toMatchObject({ status: "needs_reauth" });
  });

  it("R6: a password change mid-life gives invalid_grant on refresh: needs_reauth, and Gmail sends refuse with a clear error", async () => {
    const account = uniqueEmail("r6-password");
    const { locationId, userId } = await connectMailbox({ account });
    const contact = await addContact(locationId);
    await changePassword(account);
    await refreshRefused(account);
    expect((await getMailbox(locationId, userId)).status).toBe("needs_reauth");

    const send = await api("POST", `/v1/locations/${locationId}/messages`, {
      token: await locationToken(locationId),
      body: { userId, contactId: contact.id, subject: "Hello", text: "Hi" },
    });
    expect(send.status).toBe(409);
    expect(send.body).toMatchObject({ error: { code: "mailbox_needs_reauth" } });
  });

  it("R6: transient 401 and 503 from the token endpoint are retried, never taken for a revocation", async () => {
    const account = uniqueEmail("r6-transient");
    const { locationId, userId } = await connectMailbox({ account });
    await failNext(account, "oauth.token", 401);
    await failNext(account, "oauth.token", 503);
    const before = (await counters(account)).requests["users.history.list"] ?? 0;
    await useTokenAfterExpiry(account);
    expect((await getMailbox(locationId, userId)).status).toBe("active");
    expect((await counters(account)).requests["users.history.list"] ?? 0).toBeGreaterThan(before);
  });

  it("R6: a token endpoint failing on every retry leaves the mailbox active; the sync tries again later", async () => {
    const account = uniqueEmail("r6-down");
    const { locationId, userId } = await connectMailbox({ account });
    await failNext(account, "oauth.token", 503, 3);
    await advanceClock(account, 2 * HOUR);
    await syncNow(account);
    expect((await getMailbox(locationId, userId)).status).toBe("active");
    expect((await mailboxStatus(account)).reauthReason).toBeNull();
  });

  it("R6: a token endpoint that never answers is a lost answer, not a revocation: the mailbox stays active and syncs", async () => {
    const account = uniqueEmail("r6-hang");
    const { locationId, userId } = await connectMailbox({ account });
    const contact = await addContact(locationId);
    // Every try of one refresh hangs for a minute; each gives up at its deadline.
    await hangNext(account, "oauth.token", 60_000, 3);
    await deliver(account, { from: contact.email, to: account, subject: "After the hang", text: "x" });
    await useTokenAfterExpiry(account);
    expect((await getMailbox(locationId, userId)).status).toBe("active");
    expect((await mailboxStatus(account)).reauthReason).toBeNull();
    expect((await messagesOf(locationId)).map((m) => m.subject)).toEqual(["After the hang"]);
  }, 40_000);

  it("R6: reconnecting the same account resumes from the saved cursor and syncs what arrived while paused, once", async () => {
    const account = uniqueEmail("r6-resume");
    const { locationId, userId } = await connectMailbox({ account });
    const contact = await addContact(locationId);
    await revoke(account);
    await refreshRefused(account);
    expect((await getMailbox(locationId, userId)).status).toBe("needs_reauth");
    const saved = (await mailboxStatus(account)).historyId;

    await deliver(account, { from: contact.email, to: account, subject: "While paused", text: "catch me" });
    const answer = await connectFlow({ account, locationId, userId });
    expect(answer.gmail).toBe("connected");
    const resumed = await mailboxStatus(account);
    expect(resumed.status).toBe("active");
    await runAlarms(account);

    expect((await messagesOf(locationId)).map((m) => m.subject)).toEqual(["While paused"]);
    expect(BigInt((await mailboxStatus(account)).historyId ?? "0")).toBeGreaterThan(BigInt(saved ?? "0"));
    expect((await getMailbox(locationId, userId)).status).toBe("active");
    expect((await readMailbox(account)).watch).not.toBeNull();
  });

  it("R6: re-authenticating while active keeps the cursor and the connection time", async () => {
    const account = uniqueEmail("r6-again");
    const { locationId, userId } = await connectMailbox({ account });
    const before = await mailboxStatus(account);
    const answer = await connectFlow({ account, locationId, userId });
    expect(answer.gmail).toBe("connected");
    const after = await mailboxStatus(account);
    expect(after.historyId).toBe(before.historyId);
    expect(after.connectedAt).toBe(before.connectedAt);
    expect(after.connections).toEqual(before.connections);
  });
});
