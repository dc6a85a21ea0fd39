import { describe, expect, it } from "vitest";
import { createGoogleEmulator, type GoogleEmulator } from "../../emulator";
import { testEmulatorOptions, TEST_GOOGLE } from "../../emulator/presets";
import { restoreSnapshot, takeSnapshot } from "../../emulator/state/snapshot";
import { pkcePair } from "../support/google-oauth";
import { PRODUCT_SCOPES } from "../support/google";

/** `npm start` keeps its Google across restarts: a snapshot written as JSON and read by a fresh emulator. */
const ORIGIN = "http://google.local";

/** Google's JSON answers, read loosely: each assertion below names the fields it relies on. */
type Answer = {
  [field: string]: unknown;
  access_token?: string;
  refresh_token?: string;
  redirectUrl?: string;
  historyId?: string;
  raw?: string;
  messages?: Array<{ id: string }>;
  history?: unknown[];
  entries?: unknown[];
};

function client(google: GoogleEmulator) {
  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; token?: string; form?: Record<string, string> } = {},
  ) => {
    const headers = new Headers();
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    let body: string | undefined;
    if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(init.form).toString();
    } else if (init.body !== undefined) body = JSON.stringify(init.body);
    const res = await google.fetch(new Request(`${ORIGIN}${path}`, { method, headers, ...(body ? { body } : {}) }));
    return { status: res.status, json: (await res.json()) as Answer };
  };
  return call;
}

async function connectAccount(google: GoogleEmulator, email: string) {
  const call = client(google);
  await call("POST", "/__emulator/accounts", { body: { email } });
  const { verifier, challenge } = await pkcePair();
  const params = new URLSearchParams({
    client_id: TEST_GOOGLE.clientId,
    redirect_uri: TEST_GOOGLE.redirectUri,
    response_type: "code",
    scope: PRODUCT_SCOPES.join(" "),
    access_type: "offline",
    prompt: "consent",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const authorizationUrl = `${ORIGIN}/o/oauth2/v2/auth?${params}`;
  const { json: consent } = await call("POST", "/__emulator/oauth/consent", {
    body: { authorizationUrl, account: email },
  });
  const code = new URL(String(consent.redirectUrl)).searchParams.get("code") ?? "";
  const { json: tokens } = await call("POST", "/token", {
    form: {
      grant_type: "authorization_code",
      code,
      redirect_uri: TEST_GOOGLE.redirectUri,
      client_id: TEST_GOOGLE.clientId,
      client_secret: TEST_GOOGLE.clientSecret,
      code_verifier: verifier,
    },
  });
  return { access: String(tokens.access_token), refresh: String(tokens.refresh_token) };
}

describe("emulator: state kept across a restart of npm start", () => {
  it("accounts, mail, history, watch, grants, tokens and undelivered pushes survive a JSON snapshot", async () => {
    const email = "restart@gmail.com";
    const before = createGoogleEmulator(testEmulatorOptions());
    const call = client(before);
    const tokens = await connectAccount(before, email);
    const watch = await call("POST", "/gmail/v1/users/me/watch", {
      token: tokens.access,
      body: { topicName: TEST_GOOGLE.topic, labelIds: ["INBOX"] },
    });
    expect(watch.status).toBe(200);
    await call("POST", `/__emulator/accounts/${email}/messages`, {
      body: { from: "ann@example.com", to: email, subject: "Before", text: "kept" },
    });
    const listed = await call("GET", "/gmail/v1/users/me/messages", { token: tokens.access });
    const [message] = listed.json.messages ?? [];

    const after = createGoogleEmulator(testEmulatorOptions());
    restoreSnapshot(after.state, JSON.parse(JSON.stringify(takeSnapshot(before.state))));
    const again = client(after);

    const read = await again("GET", `/gmail/v1/users/me/messages/${message?.id}?format=raw`, { token: tokens.access });
    expect(read.status).toBe(200);
    const original = await call("GET", `/gmail/v1/users/me/messages/${message?.id}?format=raw`, {
      token: tokens.access,
    });
    expect(read.json.raw).toBe(original.json.raw);
    const history = await again("GET", `/gmail/v1/users/me/history?startHistoryId=${watch.json.historyId}`, {
      token: tokens.access,
    });
    expect(history.json.history).toHaveLength(1);
    const refreshed = await again("POST", "/token", {
      form: {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh,
        client_id: TEST_GOOGLE.clientId,
        client_secret: TEST_GOOGLE.clientSecret,
      },
    });
    expect(refreshed.status).toBe(200);
    const outbox = await again("GET", `/__emulator/pubsub/outbox?account=${email}`);
    expect(outbox.json.entries).toEqual([
      expect.objectContaining({ state: "pending", data: { emailAddress: email, historyId: expect.any(Number) } }),
    ]);
    expect(after.state.accounts.get(email)?.watch?.topicName).toBe(TEST_GOOGLE.topic);

    // New mail after the restart: history goes on from where it was.
    await again("POST", `/__emulator/accounts/${email}/messages`, {
      body: { from: "ann@example.com", to: email, subject: "After", text: "new" },
    });
    const more = await again("GET", `/gmail/v1/users/me/history?startHistoryId=${watch.json.historyId}`, {
      token: tokens.access,
    });
    expect(more.json.history).toHaveLength(2);
  });
});
