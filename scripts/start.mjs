#!/usr/bin/env node
// `npm start`: the service on http://localhost:8787 against the Google emulator on http://localhost:8788.
// First run writes .dev.vars (random secrets, the emulator's URLs and OAuth client); every run applies the
// D1 migrations locally, then runs both processes until Ctrl-C stops them.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const SERVICE_PORT = 8787;
const GOOGLE_PORT = Number(process.env.GOOGLE_EMULATOR_PORT ?? 8788);
const google = `http://localhost:${GOOGLE_PORT}`;
const service = `http://localhost:${SERVICE_PORT}`;

// Must match emulator/presets.ts (LOCAL_GOOGLE): the emulator knows this client, topic and push signer.
const devVars = {
  GOOGLE_CLIENT_ID: "local-client.apps.googleusercontent.com",
  GOOGLE_CLIENT_SECRET: "local-client-secret",
  OAUTH_REDIRECT_URL: `${service}/oauth/google/callback`,
  GOOGLE_AUTH_URL: `${google}/o/oauth2/v2/auth`,
  GOOGLE_TOKEN_URL: `${google}/token`,
  GOOGLE_REVOKE_URL: `${google}/revoke`,
  GOOGLE_CERTS_URL: `${google}/oauth2/v3/certs`,
  GMAIL_API_URL: google,
  PUBSUB_TOPIC: "projects/crm-local/topics/gmail",
  PUBSUB_AUDIENCE: `${service}/webhooks/gmail`,
  PUBSUB_SERVICE_ACCOUNT: "gmail-push@crm-local.iam.gserviceaccount.com",
  API_JWT_SECRET: randomBytes(32).toString("hex"),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  BCC_DOMAIN: "log.crm.localhost",
  ALLOWED_RETURN_ORIGINS: service,
};

const varsFile = join(root, ".dev.vars");
if (!existsSync(varsFile)) {
  writeFileSync(varsFile, `${Object.entries(devVars).map(([k, v]) => `${k}=${v}`).join("\n")}\n`, { mode: 0o600 });
  console.log("Wrote .dev.vars (local secrets and the Google emulator's URLs).");
}

// Local runs never prompt or reach Cloudflare: no telemetry, no update check (banner), no download of the
// Request.cf object (its placeholder is used; nothing here reads request.cf). CI=true answers the migration
// prompt "continue?" with its default, yes.
const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

// Every D1 database of wrangler.toml gets every migration: the directory (DB) and each location database (R31).
for (const binding of d1Bindings(readFileSync(join(root, "wrangler.toml"), "utf8"))) {
  const migrate = spawnSync(bin("wrangler"), ["d1", "migrations", "apply", binding, "--local"], {
    cwd: root,
    stdio: "inherit",
    env: { ...wranglerEnv, CI: "true" },
  });
  if (migrate.status !== 0) process.exit(migrate.status ?? 1);
}

/** The `binding` of every [[d1_databases]] block of wrangler.toml. */
function d1Bindings(toml) {
  return toml
    .split(/^\[/m)
    .filter((block) => block.startsWith("[d1_databases]]"))
    .map((block) => /^binding\s*=\s*"([^"]+)"/m.exec(block)?.[1])
    .filter(Boolean);
}

const children = [
  spawn(bin("tsx"), ["emulator/node/serve.ts"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, GOOGLE_EMULATOR_PORT: String(GOOGLE_PORT), GOOGLE_EMULATOR_PUSH_ENDPOINT: `${service}/webhooks/gmail` },
  }),
  spawn(bin("wrangler"), ["dev", "--port", String(SERVICE_PORT)], { cwd: root, stdio: "inherit", env: wranglerEnv }),
];

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
for (const child of children) child.on("exit", (code) => stop(code ?? 0));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
