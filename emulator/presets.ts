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

export function testEmulatorOptions(): EmulatorOptions {
  return {
    clients: [{ clientId: TEST_GOOGLE.clientId, clientSecret: TEST_GOOGLE.clientSecret, redirectUris: [TEST_GOOGLE.redirectUri] }],
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
