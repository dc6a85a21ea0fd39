#!/usr/bin/env node
// `npm start`: the service on http://localhost:8787 against the Google emulator on http://localhost:8788.
// First run writes .dev.vars (random secrets, the emulator's URLs and OAuth client); every run applies the
// D1 migrations locally, then runs both processes, and the cron of wrangler.toml, until Ctrl-C stops them.
// State (D1, Durable Objects, R2, and the emulator's Google) is kept under .wrangler/, so a restart goes on
// where it stopped. SERVICE_PORT, GOOGLE_EMULATOR_PORT and STATE_DIR move it (the browser walk does).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";
import { startCron } from "./local-cron.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
// Children run on this script's node (the node@22 devDependency under npm), also when started directly.
const run = (name, args, options) => spawn(process.execPath, [bin(name), ...args], options);
const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;
// The emulator (emulator/node/serve.ts) knows this client, topic and push signer: one source for both.
const { LOCAL_GOOGLE, serviceGoogleClient, serviceGoogleUrls } = await tsImport(
  "../emulator/presets.ts",
  import.meta.url,
);
const SERVICE_PORT = Number(process.env.SERVICE_PORT ?? LOCAL_GOOGLE.servicePort);
const GOOGLE_PORT = Number(process.env.GOOGLE_EMULATOR_PORT ?? LOCAL_GOOGLE.port);
const STATE_DIR = resolve(root, process.env.STATE_DIR ?? ".wrangler");
const google = `http://localhost:${GOOGLE_PORT}`;
const service = `http://localhost:${SERVICE_PORT}`;

const urls = {
  ...serviceGoogleUrls({ service, google }),
  ALLOWED_RETURN_ORIGINS: service,
  // R29: scripts/webhook-listen.mjs's local endpoint may receive events over plain http.
  WEBHOOK_ALLOWED_HTTP_ORIGINS: `http://localhost:${process.env.WEBHOOK_LISTEN_PORT ?? 8790}`,
};
const devVars = {
  ...serviceGoogleClient(LOCAL_GOOGLE),
  ...urls,
  API_JWT_SECRET: randomBytes(32).toString("hex"),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  BCC_DOMAIN: "log.crm.localhost",
};

const varsFile = join(root, ".dev.vars");
if (!existsSync(varsFile)) {
  writeFileSync(
    varsFile,
    `${Object.entries(devVars)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
    { mode: 0o600 },
  );
  console.log("Wrote .dev.vars (local secrets and the Google emulator's URLs).");
}

// Local runs never prompt or reach Cloudflare: no telemetry, no update check (banner), no download of the
// Request.cf object (its placeholder is used; nothing here reads request.cf). CI=true answers the migration
// prompt "continue?" with its default, yes.
const wranglerEnv = {
  ...process.env,
  PATH,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};
const persist = ["--persist-to", join(STATE_DIR, "state")];

// Every D1 database of wrangler.toml gets every migration: the directory (DB) and each location database (R31).
for (const binding of d1Bindings(readFileSync(join(root, "wrangler.toml"), "utf8"))) {
  const migrate = spawnSync(
    process.execPath,
    [bin("wrangler"), "d1", "migrations", "apply", binding, "--local", ...persist],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...wranglerEnv, CI: "true" },
    },
  );
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

// The URLs follow the ports of this run, whatever .dev.vars says (it is written once, for the defaults):
// .dev.vars with this run's URLs over it, handed to wrangler as its env file (which then skips .dev.vars).
const lines = readFileSync(varsFile, "utf8")
  .split("\n")
  .filter((line) => line.includes("=") && !(line.split("=")[0] in urls));
mkdirSync(STATE_DIR, { recursive: true });
const envFile = join(STATE_DIR, "dev.vars");
writeFileSync(envFile, `${[...lines, ...Object.entries(urls).map(([k, v]) => `${k}=${v}`)].join("\n")}\n`, {
  mode: 0o600,
});
const children = [
  run("tsx", ["emulator/node/serve.ts"], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      PATH,
      GOOGLE_EMULATOR_PORT: String(GOOGLE_PORT),
      GOOGLE_EMULATOR_PUSH_ENDPOINT: `${service}/webhooks/gmail`,
      GOOGLE_EMULATOR_PUSH_AUDIENCE: `${service}/webhooks/gmail`,
      GOOGLE_EMULATOR_REDIRECT_URI: urls.OAUTH_REDIRECT_URL,
      GOOGLE_EMULATOR_STATE_FILE: join(STATE_DIR, "google-emulator.json"),
    },
  }),
  run("wrangler", ["dev", "--port", String(SERVICE_PORT), "--test-scheduled", ...persist, "--env-file", envFile], {
    cwd: root,
    stdio: "inherit",
    env: wranglerEnv,
  }),
];
// wrangler dev does not run scheduled handlers by itself: its /__scheduled endpoint does, on our schedule.
const stopCron = startCron({ root, service });

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  stopCron();
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
for (const child of children) child.on("exit", (code) => stop(code ?? 0));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
