/** Looks inside a mailbox's Durable Object for what the API never shows: the sealed grant. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { openGrant } from "../../src/mailbox/grant-store";
import { mailboxStub } from "../../src/mailbox/stub";
import type { SealedToken } from "../../src/google/token-crypto";

export async function storedGrant(address: string): Promise<SealedToken | null> {
  return runInDurableObject(mailboxStub(env, address), (_instance, state) => {
    const row = state.storage.sql
      .exec<{ grant_kid: string | null; grant_iv: string | null; grant_ciphertext: string | null }>(
        "SELECT grant_kid, grant_iv, grant_ciphertext FROM account",
      )
      .toArray()[0];
    if (!row?.grant_kid || !row.grant_iv || !row.grant_ciphertext) return null;
    return { kid: row.grant_kid, iv: row.grant_iv, ciphertext: row.grant_ciphertext };
  });
}

/** The refresh token, opened with the service's key (as only the service can). */
export async function storedRefreshToken(address: string): Promise<string> {
  const sealed = await storedGrant(address);
  if (!sealed) throw new Error(`no grant stored for ${address}`);
  const opened = await openGrant({ current: String(env.TOKEN_ENCRYPTION_KEY) }, address, sealed);
  if (!opened.ok) throw new Error(`grant of ${address} does not open: ${opened.error}`);
  return opened.value.refreshToken;
}

/** Asks Google (the emulator) whether a refresh token still works. */
export async function refreshAtGoogle(refreshToken: string): Promise<{ status: number; error: string | null }> {
  const res = await fetch("http://google.test/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: String(env.GOOGLE_CLIENT_ID),
      client_secret: String(env.GOOGLE_CLIENT_SECRET),
    }),
  });
  const body = (await res.json()) as { error?: string };
  return { status: res.status, error: body.error ?? null };
}
