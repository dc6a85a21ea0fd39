#!/usr/bin/env node
// `npm run google:setup -- --project <id> --host <sync.example.com> [--dry-run]`
//
// The Google Cloud side of Gmail push (docs/deploy.md, step 2), idempotently, with gcloud:
//   the Gmail and Pub/Sub APIs enabled; a topic that Gmail may publish to (roles/pubsub.publisher for
//   gmail-api-push@system.gserviceaccount.com, the account Gmail's watch publishes as); a service account of
//   the operator's that signs the push's OIDC token; a dead-letter topic; a push subscription to
//   https://<host>/webhooks/gmail authenticated with that token (audience = PUBSUB_AUDIENCE), retried with
//   backoff, never expiring. It ends by printing PUBSUB_TOPIC, PUBSUB_AUDIENCE and PUBSUB_SERVICE_ACCOUNT.
// The OAuth client and consent screen cannot be scripted: docs/deploy.md walks through them.
import { parseArgs } from "node:util";
import { createRunner } from "./deploy/commands.mjs";

const { values: opts } = parseArgs({
  options: {
    project: { type: "string" },
    host: { type: "string" },
    topic: { type: "string", default: "gmail-push" },
    "service-account": { type: "string", default: "gmail-push" },
    "dry-run": { type: "boolean", default: false },
  },
});
const project = opts.project;
const host = opts.host?.replace(/^https:\/\//, "").replace(/\/+$/, "");
if (!project || !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(project))
  fail("--project <Google Cloud project id> is required");
if (!host || !/^[a-z0-9.-]+(:\d+)?$/i.test(host))
  fail("--host <the service's public host, e.g. sync.example.com> is required");

const runner = createRunner({ dryRun: opts["dry-run"] });
const GMAIL_PUBLISHER = "serviceAccount:gmail-api-push@system.gserviceaccount.com";
const topic = opts.topic;
const deadLetter = `${topic}-dead-letter`;
const subscription = `${topic}-to-crm-gmail-sync`;
const pushSigner = `${opts["service-account"]}@${project}.iam.gserviceaccount.com`;
const endpoint = `https://${host}/webhooks/gmail`;
const audience = endpoint;
const p = [`--project=${project}`];

console.log(
  `${runner.dryRun ? "Dry run of the" : "The"} Google Cloud setup of project ${project} for https://${host}\n`,
);
try {
  console.log("1. APIs");
  runner.run("gcloud", [
    "services",
    "enable",
    "gmail.googleapis.com",
    "pubsub.googleapis.com",
    "iam.googleapis.com",
    ...p,
  ]);

  console.log("\n2. Topics (Gmail publishes to the first; undeliverable pushes end in the second)");
  for (const name of [topic, deadLetter]) {
    if (!exists(["pubsub", "topics", "describe", name]))
      runner.run("gcloud", ["pubsub", "topics", "create", name, ...p]);
  }
  runner.run(
    "gcloud",
    [
      "pubsub",
      "topics",
      "add-iam-policy-binding",
      topic,
      `--member=${GMAIL_PUBLISHER}`,
      "--role=roles/pubsub.publisher",
      ...p,
    ],
    { note: "Gmail's watch publishes as this account" },
  );

  console.log("\n3. The service account that signs each push's OIDC token");
  if (!exists(["iam", "service-accounts", "describe", pushSigner])) {
    runner.run("gcloud", [
      "iam",
      "service-accounts",
      "create",
      opts["service-account"],
      "--display-name=Gmail push to crm-gmail-sync",
      ...p,
    ]);
  }
  const agent = `serviceAccount:service-${projectNumber()}@gcp-sa-pubsub.iam.gserviceaccount.com`;
  runner.run(
    "gcloud",
    [
      "iam",
      "service-accounts",
      "add-iam-policy-binding",
      pushSigner,
      `--member=${agent}`,
      "--role=roles/iam.serviceAccountTokenCreator",
      ...p,
    ],
    { note: "Pub/Sub mints the push token as it" },
  );
  runner.run(
    "gcloud",
    [
      "pubsub",
      "topics",
      "add-iam-policy-binding",
      deadLetter,
      `--member=${agent}`,
      "--role=roles/pubsub.publisher",
      ...p,
    ],
    { note: "Pub/Sub forwards undeliverable pushes" },
  );

  console.log("\n4. The push subscription");
  const settings = [
    `--push-endpoint=${endpoint}`,
    `--push-auth-service-account=${pushSigner}`,
    `--push-auth-token-audience=${audience}`,
    "--ack-deadline=30",
    "--min-retry-delay=10s",
    "--max-retry-delay=600s",
    `--dead-letter-topic=${deadLetter}`,
    "--max-delivery-attempts=20",
    "--expiration-period=never",
    ...p,
  ];
  const verb = exists(["pubsub", "subscriptions", "describe", subscription]) ? "update" : "create";
  runner.run("gcloud", [
    "pubsub",
    "subscriptions",
    verb,
    subscription,
    ...(verb === "create" ? [`--topic=${topic}`] : []),
    ...settings,
  ]);
  runner.run(
    "gcloud",
    [
      "pubsub",
      "subscriptions",
      "add-iam-policy-binding",
      subscription,
      `--member=${agent}`,
      "--role=roles/pubsub.subscriber",
      ...p,
    ],
    { note: "needed for dead-lettering" },
  );

  console.log(`\nPut these in deploy/<env>.json "vars" (then npm run deploy):
  "PUBSUB_TOPIC": "projects/${project}/topics/${topic}",
  "PUBSUB_AUDIENCE": "${audience}",
  "PUBSUB_SERVICE_ACCOUNT": "${pushSigner}"
Next: the OAuth client and consent screen by hand (docs/deploy.md, step 2b).`);
} catch (error) {
  fail(error.message);
}

/** A describe that succeeds means it exists. A dry run cannot know, and plans the creation. */
function exists(args) {
  const result = runner.read("gcloud", [...args, ...p, "--format=value(name)"]);
  return result !== null && result.status === 0;
}

function projectNumber() {
  const result = runner.read("gcloud", ["projects", "describe", project, "--format=value(projectNumber)"]);
  if (result === null) return "<PROJECT_NUMBER>";
  if (result.status !== 0)
    throw new Error(`cannot read project ${project}: ${result.stderr.trim()} (gcloud auth login?)`);
  return result.stdout.trim();
}

function fail(message) {
  console.error(`\ngoogle-cloud-setup: ${message}`);
  process.exit(1);
}
