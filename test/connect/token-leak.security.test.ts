import { env } from "cloudflare:workers";
import { allRows } from "../support/databases";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keyId, openToken } from "../../src/google/token-crypto";
import { api } from "../support/api";
import {
  connectFlow,
  disconnectMailbox,
  followCallback,
  getMailbox,
  provisionMember,
  startConnect,
} from "../support/connect";
import { advanceClock, consent, createAccount, revoke, uniqueEmail } from "../support/google";
import { syncNow } from "../sync/support";
import { storedGrant, storedRefreshToken } from "./support";

const HOUR = 60 * 60 * 1000;
// Google's token shapes (the emulator mints the same): access, refresh, and any JWT (ID tokens).
const TOKEN_PATTERNS = [/ya29\.[\w-]+/, /1\/\/0[\w-]+/, /eyJ[\w-]+\.[\w-]+\.[\w-]+/];

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

function expectClean(text: string, secrets: string[]) {
  for (const pattern of TOKEN_PATTERNS) expect(text).not.toMatch(pattern);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** Every row of every table of every database (the directory and each location database, R31). */
async function dumpD1(): Promise<string> {
  return JSON.stringify(await allRows());
}

describe("no token in logs, answers or D1; the stored grant is sealed", () => {
  it("R1/R5/R6: the whole life of a connection writes no token (access, refresh, ID, code) to a log line or an API answer", async () => {
    const account = uniqueEmail("leak");
    await createAccount(account);
    const { locationId, userId } = await provisionMember();
    const answers: string[] = [];

    const authorizationUrl = await startConnect(locationId, userId);
    const callback = new URL(await consent(authorizationUrl, account));
    const code = callback.searchParams.get("code") ?? "";
    expect(code).not.toBe("");
    const connected = await followCallback(callback.toString());
    expect(connected.gmail).toBe("connected");
    answers.push(authorizationUrl, connected.location ?? "", connected.body);
    const refreshToken = await storedRefreshToken(account);

    answers.push(JSON.stringify(await getMailbox(locationId, userId)));
    await advanceClock(account, 2 * HOUR);
    await syncNow(account);
    const scopeRefused = await connectFlow({ account, locationId, userId, grantScopes: ["openid", "email"] });
    answers.push(scopeRefused.location ?? "", scopeRefused.body);
    await revoke(account);
    await advanceClock(account, 2 * HOUR);
    await syncNow(account);
    expect((await getMailbox(locationId, userId)).status).toBe("needs_reauth");
    answers.push(JSON.stringify(await getMailbox(locationId, userId)));
    answers.push(JSON.stringify(await disconnectMailbox(locationId, userId)));
    answers.push(JSON.stringify((await api("GET", "/openapi.json")).body));

    expect(lines.some((line) => line.includes("mailbox_connected"))).toBe(true);
    expect(lines.some((line) => line.includes("mailbox_needs_reauth"))).toBe(true);
    expectClean(lines.join("\n"), [code, refreshToken]);
    expectClean(answers.join("\n"), [code, refreshToken]);
    expectClean(await dumpD1(), [code, refreshToken]);
  });

  it("the stored refresh token is unreadable without the key, and bound to its mailbox", async () => {
    const account = uniqueEmail("sealed");
    await createAccount(account);
    const { locationId, userId } = await provisionMember();
    expect((await connectFlow({ account, locationId, userId })).gmail).toBe("connected");
    const sealed = await storedGrant(account);
    if (!sealed) throw new Error("no grant stored");
    const refreshToken = await storedRefreshToken(account);
    expect(refreshToken).toMatch(/^1\/\/0/);
    expect(JSON.stringify(sealed)).not.toContain(refreshToken);
    expect(sealed.kid).toBe(await keyId(String(env.TOKEN_ENCRYPTION_KEY)));

    const otherKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    expect(await openToken({ current: otherKey }, sealed, account)).toEqual({ ok: false, error: "unknown_key" });
    // Even claiming the right key id, another key cannot open it (AES-GCM authenticates).
    expect(await openToken({ current: otherKey }, { ...sealed, kid: await keyId(otherKey) }, account)).toEqual({
      ok: false,
      error: "corrupt",
    });
    // Copied to another mailbox, the ciphertext does not open there.
    expect(await openToken({ current: String(env.TOKEN_ENCRYPTION_KEY) }, sealed, "someone@gmail.com")).toEqual({
      ok: false,
      error: "corrupt",
    });
  });
});
