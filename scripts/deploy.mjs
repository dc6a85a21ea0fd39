#!/usr/bin/env node
// `npm run deploy -- [--env production] [--settings deploy/production.json] [--dry-run]`
//
// From an empty Cloudflare account to a live service, idempotently: creates the D1 databases (directory and
// location databases), the R2 bucket and the Queues that wrangler.toml declares, suffixed with the
// environment; records their ids in wrangler.deploy.toml under [env.<name>] (never in wrangler.toml, which
// stays the local defaults); applies the migrations to every database; puts the secrets that are missing
// (generating the two keys when the operator has none); deploys. A second run creates nothing that exists.
// --dry-run needs no account: it prints every command, writes wrangler.deploy.dry-run.toml and compiles the
// Worker with `wrangler deploy --dry-run --outdir .deploy/dry-run`. docs/deploy.md walks through it.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "smol-toml";
import { createRunner, root, WRANGLER } from "./deploy/commands.mjs";
import {
  checkSettings,
  deployConfig,
  ENV_NAME,
  missingResources,
  resourceNames,
  SECRETS,
  STAGING_LIFECYCLE,
  stagingLifecycleArgs,
  stagingRuleListed,
} from "./deploy/plan.mjs";

const HEADER = `# Written by \`npm run deploy\` (scripts/deploy.mjs) from wrangler.toml and deploy/<env>.json.
# One [env.<name>] per environment with its own resources and ids; wrangler.toml stays the local defaults.
# Commit it; edit deploy/<env>.json and re-run the deploy rather than editing this file.`;

const { values: opts } = parseArgs({
  options: {
    env: { type: "string", default: "production" },
    settings: { type: "string" },
    "dry-run": { type: "boolean", default: false },
  },
});
const env = opts.env;
const dryRun = opts["dry-run"];
if (!ENV_NAME.test(env))
  fail(`--env "${env}" must be lower-case letters, digits and dashes (e.g. staging, production)`);

const settingsPath = opts.settings ?? join("deploy", `${env}.json`);
if (!existsSync(join(root, settingsPath))) {
  fail(
    `${settingsPath} not found: copy deploy/example.json to ${settingsPath} and fill in your values (docs/deploy.md, step 3)`,
  );
}
const settings = JSON.parse(readFileSync(join(root, settingsPath), "utf8"));
const problems = checkSettings(settings);
if (problems.length) fail(`${settingsPath} is not ready:\n  - ${problems.join("\n  - ")}`);

const configFile = dryRun ? "wrangler.deploy.dry-run.toml" : "wrangler.deploy.toml";
const local = parse(readFileSync(join(root, "wrangler.toml"), "utf8"));
const previousPath = join(root, "wrangler.deploy.toml");
const previous = existsSync(previousPath) ? parse(readFileSync(previousPath, "utf8")) : null;
const names = resourceNames(local, env);
const runner = createRunner({ dryRun });
const withEnv = ["--env", env, "--config", configFile];

console.log(`${dryRun ? "Dry run of the deploy" : "Deploying"} of environment "${env}" (settings: ${settingsPath})\n`);
try {
  if (!dryRun && runner.read(WRANGLER, ["whoami"]).status !== 0) {
    fail("wrangler is not logged in: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN) and try again");
  }
  console.log("1. Resources");
  const existing = readExisting();
  const missing = missingResources(names, existing);
  for (const db of missing.d1)
    runner.run(WRANGLER, ["d1", "create", db.name], { tolerate: /already exists/i, note: `binding ${db.binding}` });
  for (const b of missing.r2)
    runner.run(WRANGLER, ["r2", "bucket", "create", b.name], {
      tolerate: /already exists|already own/i,
      note: `binding ${b.binding}`,
    });
  for (const q of missing.queues)
    runner.run(WRANGLER, ["queues", "create", q.name], { tolerate: /already (exists|taken)/i });
  if (!missing.d1.length && !missing.r2.length && !missing.queues.length) console.log("  every resource exists");
  for (const b of names.r2) addStagingLifecycle(b.name);

  console.log(`\n2. Configuration: ${configFile} [env.${env}]`);
  const d1Ids = missing.d1.length && !dryRun ? readExisting().d1 : existing.d1;
  const config = deployConfig({ local, previous, env, settings, names, d1Ids: withPlaceholders(d1Ids) });
  writeFileSync(join(root, configFile), `${HEADER}\n${stringify(config)}\n`);
  console.log(`  wrote ${configFile}`);

  console.log("\n3. Migrations, every database");
  for (const db of names.d1) runner.run(WRANGLER, ["d1", "migrations", "apply", db.binding, "--remote", ...withEnv]);

  console.log("\n4. Secrets");
  const secretsFile = missingSecretsFile();

  console.log("\n5. Deploy");
  if (dryRun) {
    runner.always(WRANGLER, ["deploy", "--dry-run", "--outdir", join(".deploy", "dry-run", env), ...withEnv]);
  } else {
    try {
      runner.run(WRANGLER, ["deploy", ...withEnv, ...(secretsFile ? ["--secrets-file", secretsFile] : [])]);
    } finally {
      if (secretsFile) rmSync(secretsFile, { force: true });
    }
  }
  console.log("\n6. Email Routing for the BCC address (R19)");
  routeBccDomain();
  console.log(
    `\nDone. Next: ${dryRun ? "run without --dry-run" : `npm run smoke -- https://<your host>`} (docs/deploy.md).`,
  );
} catch (error) {
  fail(error.message);
}

/** What the account already has, by name (and D1 ids). A dry run knows only what wrangler.deploy.toml recorded. */
function readExisting() {
  const recorded = new Map((previous?.env?.[env]?.d1_databases ?? []).map((db) => [db.database_name, db.database_id]));
  if (dryRun) {
    runner.read(WRANGLER, ["d1", "list", "--json"]);
    runner.read(WRANGLER, ["r2", "bucket", "list"]);
    runner.read(WRANGLER, ["queues", "list"]);
    return { d1: recorded, r2: new Set(), queues: new Set() };
  }
  const d1 = new Map(JSON.parse(mustRead(["d1", "list", "--json"])).map((db) => [db.name, db.uuid]));
  const r2Text = mustRead(["r2", "bucket", "list"]);
  const queuesText = mustRead(["queues", "list"]);
  return {
    d1,
    r2: new Set(names.r2.map((b) => b.name).filter((n) => mentions(r2Text, n))),
    queues: new Set(names.queues.map((q) => q.name).filter((n) => mentions(queuesText, n))),
  };
}

/** The bucket's rule expiring sends' staged files and uploads (plan.mjs, STAGING_LIFECYCLE), unless it has it. */
function addStagingLifecycle(bucket) {
  const listed = runner.read(WRANGLER, ["r2", "bucket", "lifecycle", "list", bucket]);
  if (listed !== null && listed.status === 0 && stagingRuleListed(listed.stdout)) {
    console.log(`  ${bucket}: lifecycle rule ${STAGING_LIFECYCLE.rule} exists`);
    return;
  }
  runner.run(WRANGLER, stagingLifecycleArgs(bucket), { note: `staged send files expire after a day` });
}

function mustRead(args) {
  const result = runner.read(WRANGLER, args);
  if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Whole-word presence of a resource name in wrangler's listing (its text format has no --json). */
function mentions(text, name) {
  return new RegExp(`(^|[^\\w-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w-])`, "m").test(text);
}

/** A dry run has no ids for databases it did not create: a placeholder that says so. */
function withPlaceholders(ids) {
  const out = new Map(ids);
  for (const db of names.d1) if (!out.has(db.name)) out.set(db.name, "00000000-0000-0000-0000-000000000000");
  return out;
}

/**
 * The secrets the Worker lacks, in a 0600 file for `wrangler deploy --secrets-file` (uploaded with the version,
 * so the service never runs without them). Generated keys are also kept in .deploy/secrets/<env>.env: losing
 * TOKEN_ENCRYPTION_KEY loses every grant, so the operator must store it (docs/deploy.md says where).
 */
function missingSecretsFile() {
  const listed = runner.read(WRANGLER, ["secret", "list", "--format", "json", ...withEnv]);
  const present = new Set(listed?.status === 0 ? JSON.parse(listed.stdout || "[]").map((s) => s.name) : []);
  const values = {};
  const generated = [];
  for (const secret of SECRETS) {
    if (present.has(secret.name)) {
      console.log(`  ${secret.name}: already set`);
    } else if (process.env[secret.name]) {
      console.log(`  ${secret.name}: from your environment`);
      values[secret.name] = process.env[secret.name];
    } else if (secret.generate) {
      console.log(`  ${secret.name}: ${dryRun ? "would generate" : "generated"} (kept in .deploy/secrets/${env}.env)`);
      if (!dryRun) values[secret.name] = generate(secret.generate);
      generated.push(secret.name);
    } else if (dryRun) {
      console.log(
        `  ${secret.name}: missing; a real run needs it in the environment (${secret.name}=… npm run deploy)`,
      );
    } else {
      throw new Error(`${secret.name} is not set on the Worker: run again with ${secret.name} in the environment`);
    }
  }
  if (dryRun || Object.keys(values).length === 0) return null;
  const dir = join(root, ".deploy", "secrets");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (generated.length) {
    const keep = generated.map((name) => `${name}=${values[name]}`).join("\n");
    writeFileSync(join(dir, `${env}.env`), `${keep}\n`, { mode: 0o600, flag: "a" });
    console.log(`  generated keys stored in .deploy/secrets/${env}.env (0600): copy them to your password manager`);
  }
  const file = join(dir, `${env}.upload.json`);
  writeFileSync(file, JSON.stringify(values), { mode: 0o600 });
  return file;
}

/**
 * Every address at BCC_DOMAIN goes to the Worker's email handler: Email Routing enabled on that domain and
 * its catch-all rule pointing at the Worker. The MX/SPF records it needs are printed by `dns get`. An operator
 * whose domain's DNS is not on Cloudflare sets "emailRouting": false and follows docs/deploy.md by hand.
 */
function routeBccDomain() {
  const domain = settings.vars.BCC_DOMAIN;
  if (settings.emailRouting === false) {
    console.log(`  skipped ("emailRouting": false): route *@${domain} to the Worker by hand (docs/deploy.md)`);
    return;
  }
  const worker = `${local.name}-${env}`;
  runner.run(WRANGLER, ["email", "routing", "enable", domain], { tolerate: /already/i });
  runner.run(WRANGLER, ["email", "routing", "dns", "get", domain], { note: "the MX and SPF records to set" });
  runner.run(WRANGLER, [
    "email",
    "routing",
    "rules",
    "update",
    domain,
    "catch-all",
    "--action-type",
    "worker",
    "--action-value",
    worker,
    "--enabled",
  ]);
}

function generate(kind) {
  return kind === "hex32" ? randomBytes(32).toString("hex") : randomBytes(32).toString("base64");
}

function fail(message) {
  console.error(`\ndeploy: ${message}`);
  process.exit(1);
}
