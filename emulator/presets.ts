import type { EmulatorOptions } from "./options";

/*
 * The one source of the values the service and its Google emulator must agree on, for each world: the test
 * suite (vitest.config.ts, test/support), the bench (bench/harness.mjs) and `npm start` (scripts/start.mjs,
 * emulator/node/serve.ts). The .mjs scripts load this file with tsx's tsImport.
 */

/** Where the service and Google live in the test suite and the bench; requests to them never leave the process. */
export const TEST_ORIGINS = { service: "http://service.test", google: "http://google.test" } as const;

/** The Google the test suite and the bench talk to: its OAuth client, topic, push audience and signer. */
export const TEST_GOOGLE = {
  clientId: "test-client.apps.googleusercontent.com",
  clientSecret: "test-client-secret",
  redirectUri: `${TEST_ORIGINS.service}/oauth/google/callback`,
  topic: "projects/crm-test/topics/gmail",
  subscription: "projects/crm-test/subscriptions/gmail-push",
  pushEndpoint: `${TEST_ORIGINS.service}/webhooks/gmail`,
  pushAudience: `${TEST_ORIGINS.service}/webhooks/gmail`,
  pushServiceAccount: "push@crm-test.iam.gserviceaccount.com",
} as const;

/** The service's secrets in the test suite and the bench: fixed, so a failing run can be replayed. */
export const TEST_SECRETS = {
  API_JWT_SECRET: "test-api-jwt-secret-0123456789abcdef",
  TOKEN_ENCRYPTION_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
} as const;

/** What Google knows of the service (config.ts's names): its OAuth client, its topic and the push signer. */
export function serviceGoogleClient(google: {
  clientId: string;
  clientSecret: string;
  topic: string;
  pushServiceAccount: string;
}): Record<string, string> {
  return {
    GOOGLE_CLIENT_ID: google.clientId,
    GOOGLE_CLIENT_SECRET: google.clientSecret,
    PUBSUB_TOPIC: google.topic,
    PUBSUB_SERVICE_ACCOUNT: google.pushServiceAccount,
  };
}

/**
 * The service's URLs (config.ts's names) for a Google emulator at `origins.google`: it serves Google's own paths,
 * so only the origin differs from production. The callback and the push audience are the service's.
 */
export function serviceGoogleUrls(origins: { service: string; google: string }): Record<string, string> {
  return {
    OAUTH_REDIRECT_URL: `${origins.service}/oauth/google/callback`,
    GOOGLE_AUTH_URL: `${origins.google}/o/oauth2/v2/auth`,
    GOOGLE_TOKEN_URL: `${origins.google}/token`,
    GOOGLE_REVOKE_URL: `${origins.google}/revoke`,
    GOOGLE_CERTS_URL: `${origins.google}/oauth2/v3/certs`,
    GMAIL_API_URL: origins.google,
    PUBSUB_AUDIENCE: `${origins.service}/webhooks/gmail`,
  };
}

/**
 * The test suite's quota: Google's 15,000 units per minute of projects created before May 2026 (the service's
 * test binding GMAIL_USER_QUOTA_PER_MINUTE matches it), enforced per minute and as Google's per-second moving
 * average (reading 9). Tests of the 6,000 figure set it per account (control `…/quota`).
 */
export const TEST_QUOTA_PER_MINUTE = 15_000;

export function testEmulatorOptions(): EmulatorOptions {
  return {
    quotaPerMinute: TEST_QUOTA_PER_MINUTE,
    clients: [
      {
        clientId: TEST_GOOGLE.clientId,
        clientSecret: TEST_GOOGLE.clientSecret,
        redirectUris: [TEST_GOOGLE.redirectUri],
      },
    ],
    subscriptions: [
      {
        name: TEST_GOOGLE.subscription,
        topic: TEST_GOOGLE.topic,
        endpoint: TEST_GOOGLE.pushEndpoint,
        audience: TEST_GOOGLE.pushAudience,
        serviceAccountEmail: TEST_GOOGLE.pushServiceAccount,
      },
    ],
  };
}

/** The service's port under `npm start` (SERVICE_PORT moves it). */
const LOCAL_SERVICE_PORT = 8787;

/** The local Google of `npm start`: scripts/start.mjs writes matching values into .dev.vars. */
export const LOCAL_GOOGLE = {
  port: 8788,
  servicePort: LOCAL_SERVICE_PORT,
  clientId: "local-client.apps.googleusercontent.com",
  clientSecret: "local-client-secret",
  redirectUri: `http://localhost:${LOCAL_SERVICE_PORT}/oauth/google/callback`,
  topic: "projects/crm-local/topics/gmail",
  subscription: "projects/crm-local/subscriptions/gmail-push",
  pushEndpoint: `http://localhost:${LOCAL_SERVICE_PORT}/webhooks/gmail`,
  pushAudience: `http://localhost:${LOCAL_SERVICE_PORT}/webhooks/gmail`,
  pushServiceAccount: "gmail-push@crm-local.iam.gserviceaccount.com",
} as const;
