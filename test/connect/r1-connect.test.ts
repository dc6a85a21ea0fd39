import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { directoryDb, locationDb } from "../../src/db/database";
import { getConnection } from "../../src/db/connections";
import { getMailboxRow } from "../../src/db/mailboxes/directory";
import { createAccount, readMailbox, uniqueEmail, PRODUCT_SCOPES } from "../support/google";
import {
  connectFlow,
  connectMailbox,
  getMailbox,
  mailboxStatus,
  provisionMember,
  startConnect,
} from "../support/connect";
import { api, locationToken } from "../support/api";

describe("R1: connecting a Google account", () => {
  it("R1: the authorization URL asks for offline access, consent, every scope, PKCE S256 and a state", async () => {
    const { locationId, userId } = await provisionMember();
    const url = new URL(await startConnect(locationId, userId));
    expect(url.origin + url.pathname).toBe("http://google.test/o/oauth2/v2/auth"); // after R32's start URL
    const q = url.searchParams;
    expect(q.get("scope")?.split(" ").sort()).toEqual([...PRODUCT_SCOPES].sort());
    expect(q.get("access_type")).toBe("offline");
    expect(q.get("prompt")).toBe("consent");
    expect(q.get("include_granted_scopes")).toBe("true");
    expect(q.get("response_type")).toBe("code");
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("redirect_uri")).toBe("http://service.test/oauth/google/callback");
    expect(q.get("state")?.length).toBeGreaterThan(20);
  });

  it("R1: consent connects the account from the verified ID token, active, and says so on return", async () => {
    const account = uniqueEmail("r1-owner");
    const { locationId, userId } = await provisionMember();
    const answer = await connectFlow({ account, locationId, userId });
    expect(answer.status).toBe(302);
    expect(answer.location?.startsWith("https://app.crm.test/settings/email?")).toBe(true);
    expect(answer.gmail).toBe("connected");

    const mailbox = await getMailbox(locationId, userId);
    expect(mailbox.status).toBe("active");
    expect(mailbox.emailAddress).toBe(account);
    expect(mailbox.connectedAt).toMatch(/Z$/);
    expect(mailbox.sendQuota).toEqual({ limit: 500, used: 0, remaining: 500, nextAvailableAt: null });
    expect(mailbox.parkedMessages).toBe(0);

    const row = await getConnection(await locationDb(env, locationId), locationId, userId);
    expect(row).toMatchObject({ mailboxAddress: account, status: "active" });
    const directory = await getMailboxRow(directoryDb(env), account);
    expect(directory).toMatchObject({ ownerUserId: userId, status: "active" });
  });

  it("R1: the address comes from Google whatever case the account is typed in", async () => {
    const account = uniqueEmail("r1-case");
    const { locationId, userId } = await provisionMember();
    await createAccount(account);
    const answer = await connectFlow({ account: account.toUpperCase(), locationId, userId });
    expect(answer.gmail).toBe("connected");
    expect((await getMailbox(locationId, userId)).emailAddress).toBe(account);
  });

  it("R1: the same user connects the same account in a second location; both are active", async () => {
    const account = uniqueEmail("r1-two");
    const first = await connectMailbox({ account });
    const second = await connectMailbox({ account, userId: first.userId });
    expect(second.locationId).not.toBe(first.locationId);
    expect((await getMailbox(first.locationId, first.userId)).status).toBe("active");
    expect((await getMailbox(second.locationId, first.userId)).status).toBe("active");
    const status = await mailboxStatus(account);
    expect(status.connections.map((c) => c.locationId).sort()).toEqual([first.locationId, second.locationId].sort());
  });

  it("R1: another user connecting an account already connected gets reason=mailbox_taken, nothing changes", async () => {
    const account = uniqueEmail("r1-taken");
    const owner = await connectMailbox({ account });
    const other = await provisionMember({ locationId: owner.locationId });
    const answer = await connectFlow({ account, locationId: other.locationId, userId: other.userId });
    expect(answer.gmail).toBe("error");
    expect(answer.reason).toBe("mailbox_taken");
    expect((await getMailbox(other.locationId, other.userId)).status).toBe("not_connected");
    const status = await mailboxStatus(account);
    expect(status.ownerUserId).toBe(owner.userId);
    expect(status.status).toBe("active");
  });

  it("R1: a scope left unticked on the consent screen gives reason=insufficient_scope and connects nothing", async () => {
    const account = uniqueEmail("r1-scope");
    const { locationId, userId } = await provisionMember();
    const answer = await connectFlow({
      account,
      locationId,
      userId,
      grantScopes: ["openid", "email", "https://www.googleapis.com/auth/gmail.modify"],
    });
    expect(answer.gmail).toBe("error");
    expect(answer.reason).toBe("insufficient_scope");
    expect((await getMailbox(locationId, userId)).status).toBe("not_connected");
    expect((await mailboxStatus(account)).status).toBe("not_connected");
    expect((await readMailbox(account)).watch).toBeNull();
  });

  it("R1: refused consent gives reason=access_denied", async () => {
    const account = uniqueEmail("r1-deny");
    const { locationId, userId } = await provisionMember();
    const answer = await connectFlow({ account, locationId, userId, decision: "deny" });
    expect(answer.status).toBe(302);
    expect(answer.gmail).toBe("error");
    expect(answer.reason).toBe("access_denied");
    expect((await getMailbox(locationId, userId)).status).toBe("not_connected");
  });

  it("R1: without returnTo the callback answers a short HTML page", async () => {
    const account = uniqueEmail("r1-html");
    const { locationId, userId } = await provisionMember();
    const answer = await connectFlow({ account, locationId, userId, returnTo: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("Gmail is connected");
  });

  it("R1: a user who is no member of the location cannot start connecting (404)", async () => {
    const { locationId } = await provisionMember();
    const stranger = await provisionMember();
    const res = await api("POST", `/v1/locations/${locationId}/users/${stranger.userId}/mailbox/connect`, {
      token: await locationToken(locationId),
      body: {},
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("R1: GET mailbox of a member who never connected is not_connected", async () => {
    const { locationId, userId } = await provisionMember();
    const mailbox = await getMailbox(locationId, userId);
    expect(mailbox).toMatchObject({
      status: "not_connected",
      emailAddress: null,
      connectedAt: null,
      watchExpiresAt: null,
    });
  });
});
