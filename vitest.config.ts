import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { createGoogleEmulator } from "./emulator";
import {
  serviceGoogleClient,
  serviceGoogleUrls,
  TEST_GOOGLE,
  TEST_ORIGINS,
  TEST_QUOTA_PER_MINUTE,
  TEST_SECRETS,
  testEmulatorOptions,
} from "./emulator/presets";
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
          // The Google the emulator plays and the secrets, from the presets the emulator and test/support share.
          ...serviceGoogleClient(TEST_GOOGLE),
          ...serviceGoogleUrls(TEST_ORIGINS),
          ...TEST_SECRETS,
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
          if (url.origin === TEST_ORIGINS.google) return google.fetch(request);
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
