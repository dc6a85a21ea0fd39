import type { EmulatorOptions } from "./options";

/**
 * The Google the test suite talks to: the OAuth client, topic, audience and service account below match the
 * service's test bindings in vitest.config.ts.
 */
export const TEST_GOOGLE = {
  clientId: "test-client.apps.googleusercontent.com",
  clientSecret: "test-client-secret",
  redirectUri: "http://service.test/oauth/google/callback",
  topic: "projects/crm-test/topics/gmail",
  subscription: "projects/crm-test/subscriptions/gmail-push",
  pushEndpoint: "http://service.test/webhooks/gmail",
  pushAudience: "http://service.test/webhooks/gmail",
  pushServiceAccount: "push@crm-test.iam.gserviceaccount.com",
} as const;

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

/** The local Google of `npm start` and bench: scripts/start.mjs writes matching values into .dev.vars. */
export const LOCAL_GOOGLE = {
  port: 8788,
  clientId: "local-client.apps.googleusercontent.com",
  clientSecret: "local-client-secret",
  redirectUri: "http://localhost:8787/oauth/google/callback",
  topic: "projects/crm-local/topics/gmail",
  subscription: "projects/crm-local/subscriptions/gmail-push",
  pushEndpoint: "http://localhost:8787/webhooks/gmail",
  pushAudience: "http://localhost:8787/webhooks/gmail",
  pushServiceAccount: "gmail-push@crm-local.iam.gserviceaccount.com",
} as const;
