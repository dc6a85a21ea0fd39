import { describe, expect, it } from "vitest";
import {
  checkSettings,
  deployConfig,
  missingResources,
  resourceNames,
  STAGING_LIFECYCLE,
  stagingLifecycleArgs,
  stagingRuleListed,
  // @ts-expect-error: a plain .mjs module of the deploy script, pure and runtime-agnostic
} from "../../scripts/deploy/plan.mjs";
import { STAGING_PREFIX } from "../../src/http/send-body/staging";

const local = {
  name: "crm-gmail-sync",
  main: "src/index.ts",
  compatibility_date: "2026-11-01",
  migrations: [{ tag: "v1", new_sqlite_classes: ["Mailbox"] }],
  triggers: { crons: ["*/5 * * * *"] },
  vars: { DAILY_SEND_LIMIT: "500" },
  d1_databases: [
    { binding: "DB", database_name: "crm", database_id: "local", migrations_dir: "migrations" },
    { binding: "LOCATIONS_2", database_name: "crm-locations-2", database_id: "local", migrations_dir: "migrations" },
  ],
  r2_buckets: [{ binding: "ATTACHMENTS", bucket_name: "crm-att" }],
  queues: {
    producers: [{ binding: "EVENTS", queue: "crm-events" }],
    consumers: [{ queue: "crm-events", dead_letter_queue: "crm-events-dlq" }],
  },
};
const vars = {
  GOOGLE_CLIENT_ID: "id.apps.googleusercontent.com",
  OAUTH_REDIRECT_URL: "https://sync.example.com/oauth/google/callback",
  PUBSUB_TOPIC: "projects/p/topics/t",
  PUBSUB_AUDIENCE: "https://sync.example.com/webhooks/gmail",
  PUBSUB_SERVICE_ACCOUNT: "push@p.iam.gserviceaccount.com",
  BCC_DOMAIN: "log.example.com",
  ALLOWED_RETURN_ORIGINS: "https://app.example.com",
};

describe("npm run deploy: planning (issue 22)", () => {
  const names = resourceNames(local, "staging");

  it("names every resource of wrangler.toml for the environment, dead-letter queues included", () => {
    expect(names.d1.map((d: { name: string }) => d.name)).toEqual(["crm-staging", "crm-locations-2-staging"]);
    expect(names.r2.map((b: { name: string }) => b.name)).toEqual(["crm-att-staging"]);
    expect(names.queues.map((q: { name: string }) => q.name)).toEqual(["crm-events-staging", "crm-events-dlq-staging"]);
  });

  it("a second run creates nothing that exists", () => {
    const existing = {
      d1: new Map([
        ["crm-staging", "id-1"],
        ["crm-locations-2-staging", "id-2"],
      ]),
      r2: new Set(["crm-att-staging"]),
      queues: new Set(["crm-events-staging", "crm-events-dlq-staging"]),
    };
    expect(missingResources(names, existing)).toEqual({ d1: [], r2: [], queues: [] });
    const partly = { ...existing, d1: new Map([["crm-staging", "id-1"]]) };
    expect(missingResources(names, partly).d1.map((d: { binding: string }) => d.binding)).toEqual(["LOCATIONS_2"]);
  });

  it("refuses settings that miss a required var, carry a secret or a local-only setting, or an http redirect", () => {
    expect(checkSettings({ vars })).toEqual([]);
    const { BCC_DOMAIN: _, ...missing } = vars;
    expect(checkSettings({ vars: missing })).toEqual(["vars.BCC_DOMAIN is missing"]);
    expect(checkSettings({ vars: { ...vars, API_JWT_SECRET: "x" } })).toEqual([
      "vars.API_JWT_SECRET is a secret: pass it in the environment",
    ]);
    expect(checkSettings({ vars: { ...vars, WEBHOOK_ALLOWED_HTTP_ORIGINS: "http://localhost" } })).toHaveLength(1);
    expect(checkSettings({ vars: { ...vars, OAUTH_REDIRECT_URL: "http://x/cb" } })).toHaveLength(1);
  });

  it("writes [env.<name>] with the environment's ids and keeps the other environments' sections", () => {
    const previous = { env: { production: { vars: { KEEP: "me" } } } };
    const d1Ids = new Map([
      ["crm-staging", "id-1"],
      ["crm-locations-2-staging", "id-2"],
    ]);
    const config = deployConfig({ local, previous, env: "staging", settings: { vars }, names, d1Ids });
    expect(config.env.production).toEqual({ vars: { KEEP: "me" } });
    expect(config.d1_databases).toBeUndefined();
    expect(config.migrations).toEqual(local.migrations);
    const staging = config.env.staging;
    expect(staging.d1_databases.map((d: { database_id: string }) => d.database_id)).toEqual(["id-1", "id-2"]);
    expect(staging.vars).toEqual({ DAILY_SEND_LIMIT: "500", ...vars });
    expect(staging.queues.consumers[0]).toMatchObject({
      queue: "crm-events-staging",
      dead_letter_queue: "crm-events-dlq-staging",
    });
  });

  it("issue 19: expires the sends' staged files and unfinished uploads after a day, under the prefix the send stages them at", () => {
    expect(STAGING_LIFECYCLE.prefix).toBe(STAGING_PREFIX);
    expect(stagingLifecycleArgs("crm-att-staging")).toEqual([
      "r2",
      "bucket",
      "lifecycle",
      "add",
      "crm-att-staging",
      "expire-staged-sends",
      "staging/",
      "--expire-days",
      "1",
      "--abort-multipart-days",
      "1",
    ]);
  });

  it("issue 19: the staging rule is added once: a bucket whose lifecycle list shows it gets no second", () => {
    const listed = [
      "Listing lifecycle rules for bucket 'crm-att-staging'...",
      "name:    expire-staged-sends",
      "enabled: Yes",
      "prefix:  staging/",
      "action:  Expire objects after 1 day",
    ].join("\n");
    expect(stagingRuleListed(listed)).toBe(true);
    expect(stagingRuleListed("There are no lifecycle rules for bucket 'crm-att-staging'.")).toBe(false);
    expect(stagingRuleListed("name:    expire-staged-sends-old")).toBe(false);
  });
});
