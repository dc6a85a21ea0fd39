import { env } from "cloudflare:workers";
import { generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { verifyIdToken } from "../../src/google/id-token";
import { rotateKeys, uniqueEmail } from "../support/google";

const config = loadConfig(env);

/** An ID token signed by the emulator's (Google's) current key with these claims. */
async function googleSigned(claims: Record<string, unknown>): Promise<string> {
  const res = await fetch("http://google.test/__emulator/keys/sign", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ claims }),
  });
  return ((await res.json()) as { token: string }).token;
}

function claims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "https://accounts.google.com",
    aud: config.GOOGLE_CLIENT_ID,
    sub: "1234567890",
    email: uniqueEmail("idt"),
    email_verified: true,
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}

describe("R1: the ID token is verified before its address is believed", () => {
  it("R1: a Google-signed token with the right claims gives its (normalised) address", async () => {
    const c = claims({ email: "Someone.Else@Gmail.com " });
    expect(await verifyIdToken(config, await googleSigned(c), Date.now())).toEqual({
      ok: true,
      value: { email: "someone.else@gmail.com", subject: "1234567890" },
    });
  });

  it.each([
    ["another audience", { aud: "other-client.apps.googleusercontent.com" }, "invalid_signature_or_claims"],
    ["another issuer", { iss: "https://evil.example" }, "invalid_signature_or_claims"],
    [
      "an expired token",
      { exp: Math.floor(Date.now() / 1000) - 60, iat: Math.floor(Date.now() / 1000) - 3700 },
      "invalid_signature_or_claims",
    ],
    ["an unverified address", { email_verified: false }, "email_not_verified"],
    ["no address", { email: undefined }, "no_email"],
  ])("R1: %s is refused", async (_name, overrides, reason) => {
    const token = await googleSigned(claims(overrides));
    expect(await verifyIdToken(config, token, Date.now())).toEqual({ ok: false, error: reason });
  });

  it("R1: a token signed with a key Google never published is refused, even naming a Google kid", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const genuine = await googleSigned(claims());
    const kid = JSON.parse(atob(genuine.split(".")[0] ?? "")).kid as string;
    const forged = await new SignJWT(claims()).setProtectedHeader({ alg: "RS256", kid }).sign(privateKey);
    expect(await verifyIdToken(config, forged, Date.now())).toEqual({
      ok: false,
      error: "invalid_signature_or_claims",
    });
  });

  it("R1: alg none and HS256 tokens are refused", async () => {
    const body = btoa(JSON.stringify(claims())).replaceAll("=", "");
    const none = `${btoa(JSON.stringify({ alg: "none" })).replaceAll("=", "")}.${body}.`;
    const hs = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("x".repeat(32)));
    expect((await verifyIdToken(config, none, Date.now())).ok).toBe(false);
    expect((await verifyIdToken(config, hs, Date.now())).ok).toBe(false);
  });

  it("R1: after Google rotates its key, tokens of the new key verify (unknown kid: the key set is fetched again)", async () => {
    expect((await verifyIdToken(config, await googleSigned(claims()), Date.now())).ok).toBe(true);
    await rotateKeys();
    expect((await verifyIdToken(config, await googleSigned(claims()), Date.now())).ok).toBe(true);
  });
});
