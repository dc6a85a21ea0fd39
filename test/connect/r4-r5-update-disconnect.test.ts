import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConnection } from "../../src/db/connections";
import { locationDb } from "../../src/db/database";
import { api } from "../support/api";
import {
  connectFlow,
  connectMailbox,
  disconnectMailbox,
  getMailbox,
  mailboxStatus,
  provisionMember,
} from "../support/connect";
import { createAccount, deliver, readMailbox, uniqueEmail } from "../support/google";
import { addContact, messagesOf, pushAndSync } from "../sync/support";
import { refreshAtGoogle, storedRefreshToken } from "./support";

describe("R4: update email", () => {
  it("R4: connecting another account replaces the old one at once; the old mailbox stops being watched", async () => {
    const oldAccount = uniqueEmail("r4-old");
    const newAccount = uniqueEmail("r4-new");
    const { locationId, userId } = await connectMailbox({ account: oldAccount });
    const answer = await connectFlow({ account: newAccount, locationId, userId });
    expect(answer.gmail).toBe("connected");

    const mailbox = await getMailbox(locationId, userId);
    expect(mailbox).toMatchObject({ status: "active", emailAddress: newAccount });
    // CRM sends read this row: it names the new address the moment the callback answers.
    const row = await getConnection(await locationDb(env, locationId), locationId, userId);
    expect(row).toMatchObject({ mailboxAddress: newAccount, status: "active" });

    const old = await mailboxStatus(oldAccount);
    expect(old.status).toBe("disconnected");
    expect(old.connections).toEqual([]);
    expect((await readMailbox(oldAccount)).watch).toBeNull();
    expect((await readMailbox(newAccount)).watch).not.toBeNull();
  });

  it("R4: the old mailbox stops syncing into this location, later messages of a bound thread too; synced ones stay", async () => {
    const oldAccount = uniqueEmail("r4-sync-old");
    const { locationId, userId } = await connectMailbox({ account: oldAccount });
    const contact = await addContact(locationId);
    const first = await deliver(oldAccount, { from: contact.email, to: oldAccount, subject: "Quote", text: "one" });
    await pushAndSync(oldAccount);
    expect((await messagesOf(locationId)).map((m) => m.subject)).toEqual(["Quote"]);

    await connectFlow({ account: uniqueEmail("r4-sync-new"), locationId, userId });
    await deliver(oldAccount, {
      from: contact.email,
      to: oldAccount,
      subject: "Re: Quote",
      text: "two",
      inReplyTo: first.messageId ?? undefined,
    });
    await pushAndSync(oldAccount);
    expect((await messagesOf(locationId)).map((m) => m.subject)).toEqual(["Quote"]);
  });

  it("R4: an old mailbox still connected in another location keeps syncing there", async () => {
    const oldAccount = uniqueEmail("r4-keep");
    const first = await connectMailbox({ account: oldAccount });
    const second = await connectMailbox({ account: oldAccount, userId: first.userId });
    await connectFlow({ account: uniqueEmail("r4-keep-new"), locationId: first.locationId, userId: first.userId });
    const old = await mailboxStatus(oldAccount);
    expect(old.status).toBe("active");
    expect(old.connections.map((c) => c.locationId)).toEqual([second.locationId]);
    expect(await getMailbox(second.locationId, first.userId)).toMatchObject({
      status: "active",
      emailAddress: oldAccount,
    });
    expect((await readMailbox(oldAccount)).watch).not.toBeNull();
  });
});

describe("R5: disconnect", () => {
  it("R5: disconnecting stops the watch, revokes the grant, and answers the mailbox as disconnected", async () => {
    const account = uniqueEmail("r5");
    const { locationId, userId } = await connectMailbox({ account });
    const refreshToken = await storedRefreshToken(account);
    expect((await refreshAtGoogle(refreshToken)).status).toBe(200);

    const mailbox = await disconnectMailbox(locationId, userId);
    expect(mailbox).toMatchObject({ status: "disconnected", emailAddress: account, watchExpiresAt: null });
    expect((await readMailbox(account)).watch).toBeNull();
    expect(await refreshAtGoogle(refreshToken)).toEqual({ status: 400, error: "invalid_grant" });
    expect((await mailboxStatus(account)).status).toBe("disconnected");
    expect(await getConnection(await locationDb(env, locationId), locationId, userId)).toMatchObject({
      status: "disconnected",
    });
    expect((await getMailbox(locationId, userId)).status).toBe("disconnected");
  });

  it("R5: nothing synced is deleted, and nothing new syncs after disconnecting", async () => {
    const account = uniqueEmail("r5-keep");
    const { locationId, userId } = await connectMailbox({ account });
    const contact = await addContact(locationId);
    await deliver(account, { from: contact.email, to: account, subject: "Kept", text: "stays" });
    await pushAndSync(account);
    await disconnectMailbox(locationId, userId);
    await deliver(account, { from: contact.email, to: account, subject: "After", text: "not synced" });
    await pushAndSync(account);
    expect((await messagesOf(locationId)).map((m) => m.subject)).toEqual(["Kept"]);
  });

  it("R5: connecting again after a disconnect starts afresh (R2): mail from the disconnected time is not imported", async () => {
    const account = uniqueEmail("r5-again");
    const { locationId, userId } = await connectMailbox({ account });
    const contact = await addContact(locationId);
    await disconnectMailbox(locationId, userId);
    await deliver(account, { from: contact.email, to: account, subject: "While away", text: "x" });
    const answer = await connectFlow({ account, locationId, userId });
    expect(answer.gmail).toBe("connected");
    const status = await mailboxStatus(account);
    expect(status.historyId).toBe((await readMailbox(account)).historyId);
    await pushAndSync(account);
    expect(await messagesOf(locationId)).toEqual([]);
  });

  it("R5: disconnecting in one location leaves the same mailbox active in another", async () => {
    const account = uniqueEmail("r5-two");
    const first = await connectMailbox({ account });
    const second = await connectMailbox({ account, userId: first.userId });
    expect((await disconnectMailbox(first.locationId, first.userId)).status).toBe("disconnected");
    expect((await getMailbox(second.locationId, first.userId)).status).toBe("active");
    expect((await readMailbox(account)).watch).not.toBeNull();
  });

  it("R5: disconnecting a member who never connected answers not_connected; a stranger gets 404", async () => {
    const { locationId, userId } = await provisionMember();
    expect((await disconnectMailbox(locationId, userId)).status).toBe("not_connected");
    const stranger = await provisionMember();
    const res = await api("DELETE", `/v1/locations/${locationId}/users/${stranger.userId}/mailbox`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("R5: the user may connect an account someone else disconnected", async () => {
    const account = uniqueEmail("r5-handover");
    await createAccount(account);
    const first = await connectMailbox({ account });
    await disconnectMailbox(first.locationId, first.userId);
    const other = await provisionMember();
    const answer = await connectFlow({ account, locationId: other.locationId, userId: other.userId });
    expect(answer.gmail).toBe("connected");
    expect((await mailboxStatus(account)).ownerUserId).toBe(other.userId);
    expect((await getMailbox(first.locationId, first.userId)).status).toBe("disconnected");
  });
});
