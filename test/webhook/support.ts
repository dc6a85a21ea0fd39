/** Authenticated pushes for the webhook tests: tokens signed with the emulator's Google key, Pub/Sub bodies. */
import { env, exports } from "cloudflare:workers";
import type { JWTPayload } from "jose";
import { GOOGLE_ORIGIN } from "../support/google";

const URL_ = "http://service.test/webhooks/gmail";

/** Claims signed with the emulator's current Google key. */
export async function googleSigned(claims: JWTPayload): Promise<string> {
  const res = await fetch(`${GOOGLE_ORIGIN}/__emulator/keys/sign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ claims }),
  });
  return ((await res.json()) as { token: string }).token;
}

export function validClaims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "https://accounts.google.com",
    aud: String(env.PUBSUB_AUDIENCE),
    email: String(env.PUBSUB_SERVICE_ACCOUNT),
    email_verified: true,
    sub: "100000000000000000001",
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}

export function pushBody(emailAddress: string, historyId: string | number): string {
  const data = btoa(JSON.stringify({ emailAddress, historyId }));
  return JSON.stringify({
    message: { data, messageId: "1", publishTime: new Date().toISOString() },
    subscription: "projects/crm-test/subscriptions/gmail-push",
  });
}

export async function post(
  token: string | null,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return exports.default.fetch(
    new Request(URL_, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body,
    }),
  );
}
