import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import { GOOGLE_ORIGIN, uniqueEmail } from "../support/google";
import { connectedOwner, syncInternals } from "../sync/support";
import { googleSigned, post, pushBody, validClaims } from "./support";

async function expectRefused(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({
    error: { code: "invalid_push_token", message: "The push token is missing or invalid." },
  });
}

const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("POST /webhooks/gmail: the push token", () => {
  it("accepts Google's token for our audience and service account (the baseline the refusals below differ from)", async () => {
    const res = await post(await googleSigned(validClaims()), pushBody(uniqueEmail("nobody"), "1"));
    expect(res.status).toBe(204);
  });

  it("refuses a push without Authorization", async () => {
    await expectRefused(await post(null, pushBody("a@gmail.com", "1")));
  });

  it("refuses a non-bearer Authorization", async () => {
    await expectRefused(await post(null, pushBody("a@gmail.com", "1"), { authorization: "Basic Zm9vOmJhcg==" }));
  });

  it("refuses a token signed with a key that is not Google's, under Google's kid", async () => {
    const jwks = (await (await fetch(`${GOOGLE_ORIGIN}/oauth2/v3/certs`)).json()) as { keys: { kid: string }[] };
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: "RS256", kid: jwks.keys[0]?.kid ?? "x" })
      .sign(privateKey);
    await expectRefused(await post(forged, pushBody("a@gmail.com", "1")));
  });

  it("refuses alg:none", async () => {
    const token = `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(validClaims()))}.`;
    await expectRefused(await post(token, pushBody("a@gmail.com", "1")));
  });

  it("refuses HS256 signed with the public key material (algorithm confusion)", async () => {
    const { publicKey } = await generateKeyPair("RS256");
    const secret = new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey)));
    const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: "HS256" }).sign(secret);
    await expectRefused(await post(token, pushBody("a@gmail.com", "1")));
  });

  it("refuses an unknown kid", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: "RS256", kid: "no-such-kid" })
      .sign(privateKey);
    await expectRefused(await post(token, pushBody("a@gmail.com", "1")));
  });

  it.each<[string, JWTPayload]>([
    ["a wrong audience", { aud: "https://attacker.example/webhooks/gmail" }],
    ["a wrong issuer", { iss: "https://accounts.evil.example" }],
    ["another service account", { email: "someone@attacker.iam.gserviceaccount.com" }],
    ["email_verified false", { email_verified: false }],
    ["no email", { email: undefined }],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 600, iat: Math.floor(Date.now() / 1000) - 4200 }],
  ])("refuses a Google-signed token with %s", async (_label, overrides) => {
    await expectRefused(await post(await googleSigned(validClaims(overrides)), pushBody("a@gmail.com", "1")));
  });

  it("checks the token before the body: a bad token with a huge body is 401, not 413", async () => {
    await expectRefused(await post("garbage", "x".repeat(200 * 1024)));
  });

  it("refuses bodies over 64 KiB with a valid token: 413", async () => {
    const res = await post(await googleSigned(validClaims()), "x".repeat(64 * 1024 + 1));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it.each([
    ["not JSON", "{nope"],
    ["no message", "{}"],
    ["data not base64 of JSON", JSON.stringify({ message: { data: "!!!" } })],
    [
      "historyId not a number",
      JSON.stringify({ message: { data: btoa('{"emailAddress":"a@gmail.com","historyId":"x"}') } }),
    ],
  ])(
    "answers 204 to an authenticated push whose body is %s (else Pub/Sub redelivers for days)",
    async (_label, body) => {
      expect((await post(await googleSigned(validClaims()), body)).status).toBe(204);
    },
  );

  it("answers 204 for an unknown mailbox and records nothing", async () => {
    const address = uniqueEmail("unknown");
    expect((await post(await googleSigned(validClaims()), pushBody(address, "123"))).status).toBe(204);
    const internals = await syncInternals(address);
    expect(internals.state).toMatchObject({ notified_history_id: null, wanted: 0 });
  });

  it("R23: an authenticated push for an unknown address creates no persisted Durable Object", async () => {
    const address = uniqueEmail("stranger");
    expect((await post(await googleSigned(validClaims()), pushBody(address, "77"))).status).toBe(204);
    const id = env.MAILBOX.idFromName(address).toString();
    expect((await listDurableObjectIds(env.MAILBOX)).map((stored) => stored.toString())).not.toContain(id);
  });

  it("records a push for a connected mailbox, whatever the case of the address and the type of historyId", async () => {
    const owner = await connectedOwner();
    const cursor = BigInt((await syncInternals(owner.address)).cursor ?? "0");
    const next = Number(cursor + 5n);
    expect((await post(await googleSigned(validClaims()), pushBody(owner.address.toUpperCase(), next))).status).toBe(
      204,
    );
    expect((await syncInternals(owner.address)).state).toMatchObject({ notified_history_id: String(next) });
  });
});
