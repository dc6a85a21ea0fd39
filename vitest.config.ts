import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { createGoogleEmulator } from "./emulator";
import { TEST_QUOTA_PER_MINUTE, testEmulatorOptions } from "./emulator/presets";
import { createWebhookReceiver } from "./test/support/webhook-receiver";

const migrations = await readD1Migrations("./migrations");

// One Google for the whole run, shared by all test files: tests use unique account addresses.
const google = createGoogleEmulator(testEmulatorOptions());
// The CRM's event endpoints (R29), also shared: tests use unique endpoint names.
const hooks = createWebhookReceiver();

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          GOOGLE_CLIENT_ID: "test-client.apps.googleusercontent.com",
          GOOGLE_CLIENT_SECRET: "test-client-secret",
          OAUTH_REDIRECT_URL: "http://service.test/oauth/google/callback",
          GOOGLE_AUTH_URL: "http://google.test/o/oauth2/v2/auth",
          GOOGLE_TOKEN_URL: "http://google.test/token",
          GOOGLE_REVOKE_URL: "http://google.test/revoke",
          GOOGLE_CERTS_URL: "http://google.test/oauth2/v3/certs",
          GMAIL_API_URL: "http://google.test",
          PUBSUB_TOPIC: "projects/crm-test/topics/gmail",
          PUBSUB_AUDIENCE: "http://service.test/webhooks/gmail",
          PUBSUB_SERVICE_ACCOUNT: "push@crm-test.iam.gserviceaccount.com",
          API_JWT_SECRET: "test-api-jwt-secret-0123456789abcdef",
          TOKEN_ENCRYPTION_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
          BCC_DOMAIN: "log.crm.test",
          ALLOWED_RETURN_ORIGINS: "https://app.crm.test,http://localhost:3000",
          // Short, so that tests of a hung Google call stay fast; uploads still get more by size.
          GOOGLE_TIMEOUT_MS: "2000",
          // R29's 10 s deadline, short for the tests of a hung endpoint.
          WEBHOOK_TIMEOUT_MS: "1500",
          GMAIL_USER_QUOTA_PER_MINUTE: String(TEST_QUOTA_PER_MINUTE),
        },
        outboundService: (request: Request) => {
          const url = new URL(request.url);
          if (url.hostname === "google.test") return google.fetch(request);
          if (url.hostname.endsWith(".hooks.test")) return hooks.fetch(request);
          return new Response(`unexpected outbound request: ${request.url}`, { status: 599 });
        },
      },
    }),
  ],
  test: {
    setupFiles: ["./test/setup.ts"],
  },
});
