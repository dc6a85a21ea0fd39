import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { locationDb } from "../../src/db/database";
import { storeMessages } from "../../src/db/messages/store";
import { recordDecisions } from "../../src/db/sync-decisions";
import { api, locationToken } from "../support/api";
import { advanceClock, deliver, PUSH_SPACING_MS, uniqueEmail } from "../support/google";
import { explain, today } from "../sync/proof-support";
import { addContact, connectedOwner, messagesOf, pushAndSync } from "../sync/support";

/* R27/R28 seen through R30: skips are counted by reason and explained; removed rows are never named. */

const mail = (prefix: string) => uniqueEmail(prefix, "client.test");

describe("R27/R28 with R30: skipped, counted, explained", () => {
  it("R28/R30: a new reply in an un-logged thread is not synced, counted as unlogged_thread and explained by R28", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("ann"));
    const first = await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Plans" });
    await pushAndSync(owner.address);
    const [stored] = await messagesOf(owner.locationId, contact.id);
    const token = await locationToken(owner.locationId);
    await api("POST", `/v1/locations/${owner.locationId}/messages/${stored?.id}/unlog`, { token, body: {} });
    // The stored decision no longer names the removed row.
    expect(await explain(owner, first.id)).toMatchObject({ decision: "stored", messageId: null });

    await advanceClock(owner.address, PUSH_SPACING_MS);
    const reply = await deliver(owner.address, {
      from: contact.email,
      to: owner.address,
      subject: "Re: Plans",
      inReplyTo: first.messageId ?? undefined,
      references: [first.messageId ?? ""],
    });
    await pushAndSync(owner.address);
    expect(await messagesOf(owner.locationId, contact.id)).toEqual([]);
    expect(await explain(owner, reply.id)).toMatchObject({
      decision: "skipped",
      reason: "unlogged_thread",
      rule: "R28",
      messageId: null,
    });
    expect((await today(owner)).skipped).toMatchObject({ unlogged_thread: 1 });
  });

  it("R27/R30: never_log and bulk_mail skips are counted and explained by R27", async () => {
    const owner = await connectedOwner();
    const secret = await addContact(owner.locationId, mail("secret"));
    const shop = await addContact(owner.locationId, mail("shop"));
    const token = await locationToken(owner.locationId);
    await api("PUT", `/v1/locations/${owner.locationId}/privacy`, {
      token,
      body: { neverLog: [secret.email], skipBulkMail: true },
    });
    const a = await deliver(owner.address, { from: secret.email, to: owner.address, subject: "private" });
    await advanceClock(owner.address, PUSH_SPACING_MS);
    const b = await deliver(owner.address, {
      from: shop.email,
      to: owner.address,
      subject: "deals",
      headers: { "List-Id": "<deals.shop.test>" },
    });
    await pushAndSync(owner.address);
    expect(await explain(owner, a.id)).toMatchObject({ decision: "skipped", reason: "never_log", rule: "R27" });
    expect(await explain(owner, b.id)).toMatchObject({ decision: "skipped", reason: "bulk_mail", rule: "R27" });
    expect((await today(owner)).skipped).toMatchObject({ never_log: 1, bulk_mail: 1 });
  });

  it("R28/R30: a message the store held back because its thread was un-logged after routing is decided unlogged_thread, not already_stored", async () => {
    const owner = await connectedOwner();
    const contact = await addContact(owner.locationId, mail("race"));
    const first = await deliver(owner.address, { from: contact.email, to: owner.address, subject: "Race" });
    await pushAndSync(owner.address);
    const [stored] = await messagesOf(owner.locationId, contact.id);
    await api("POST", `/v1/locations/${owner.locationId}/messages/${stored?.id}/unlog`, { body: {} });
    // What the sync's batch does with a message it routed to the contact before the un-log committed.
    const gmailMessageId = `late-${crypto.randomUUID()}`;
    const db = await locationDb(env, owner.locationId);
    const facts = {
      messageIdHeader: null,
      from: { email: contact.email, name: null },
      to: [],
      cc: [],
      bcc: [],
      subject: "Re: Race",
      text: "x",
      html: null,
      sentAt: Date.now(),
      inReplyTo: null,
      references: [],
      attachments: [],
    };
    const decision = {
      gmailMessageId,
      healed: false,
      kind: "store" as const,
      reason: "bound_thread" as const,
      rule: "R11" as const,
      messageIdHeader: null,
      gmailThreadId: first.threadId,
    };
    const [held] = await storeMessages(
      db,
      env.ATTACHMENTS,
      [
        {
          locationId: owner.locationId,
          contactId: contact.id,
          direction: "inbound",
          source: "gmail",
          provider: null,
          status: "received",
          facts,
          gmail: { mailbox: owner.address, messageId: gmailMessageId, threadId: first.threadId },
        },
      ],
      Date.now(),
      { alsoInBatch: [recordDecisions(owner.locationId, owner.address, [decision], Date.now())] },
    );
    expect(held).toBeNull();
    expect(await explain(owner, gmailMessageId)).toMatchObject({
      decision: "skipped",
      reason: "unlogged_thread",
      rule: "R28",
      messageId: null,
    });
  });
});
