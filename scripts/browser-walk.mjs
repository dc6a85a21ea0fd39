#!/usr/bin/env node
// `npm run test:browser`: the first hour of a new user, in Debian's chromium (playwright-core, no browser
// download). Starts the service and the emulator like `npm start` (own ports and state folder, so a running
// `npm start` is left alone), then: the settings page, Connect, the emulator's consent page, back connected,
// a restart of the stack after which the mailbox syncs on, Disconnect; a connect link finished in a second
// browser is refused (R32) with nothing connected; /docs renders and its Authorize takes a bearer token that
// "Try it out" then sends. Screenshots: docs/screenshots/.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SERVICE_PORT = Number(process.env.WALK_SERVICE_PORT ?? 8797);
const GOOGLE_PORT = Number(process.env.WALK_GOOGLE_PORT ?? 8798);
const service = `http://localhost:${SERVICE_PORT}`;
const google = `http://localhost:${GOOGLE_PORT}`;
const stateDir = join(root, ".wrangler", "browser-walk");
const shots = join(root, "docs", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const steps = [];
const startsWith = (prefix) => (url) => url.href.startsWith(prefix);
function check(condition, what) {
  if (!condition) throw new Error(`browser walk: ${what}`);
  steps.push(what);
  console.log(`  ok  ${what}`);
}

if (!existsSync(CHROMIUM)) {
  console.error(`No chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}
rmSync(stateDir, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

/** The stack as `npm start` runs it; `stop()` ends it as Ctrl-C would (the emulator saves its state). */
function startStack() {
  const server = spawn(process.execPath, [join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      SERVICE_PORT: String(SERVICE_PORT),
      GOOGLE_EMULATOR_PORT: String(GOOGLE_PORT),
      STATE_DIR: stateDir,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  server.stdout.on("data", (chunk) => (output += chunk));
  server.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => server.on("exit", resolve));
  const kill = (signal) => {
    try {
      process.kill(-server.pid, signal);
    } catch {}
  };
  const stop = () => {
    kill("SIGTERM");
    return exited;
  };
  return { kill, stop };
}
let output = "";
let stack = startStack();
process.on("exit", () => stack.kill("SIGKILL"));

async function waitFor(url, ms = 180_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer; npm start said:\n${output}`);
}

let browser;
try {
  const ready = async () => {
    await waitFor(`${service}/healthz`);
    await waitFor(`${google}/oauth2/v3/certs`);
  };
  await ready();
  const { readDevVars } = await import("./dev-vars.mjs");
  const secret = new TextEncoder().encode(readDevVars().API_JWT_SECRET);
  const admin = await new SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("30m")
    .sign(secret);
  const call = async (method, path, body) => {
    const res = await fetch(`${service}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: body && JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  await call("PUT", "/v1/locations/walk", { name: "Acme Dental" });
  await call("PUT", "/v1/users/sam", { email: "sam@acme.test", name: "Sam" });
  await call("PUT", "/v1/locations/walk/members/sam", {});
  const pageToken = await new SignJWT({ aud: "crm-gmail-sync/settings", loc: "walk", sub: "sam" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("15m")
    .sign(secret);
  const settings = `${service}/connect?token=${pageToken}`;
  const account = "sam.walk@gmail.com";

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
  const page = await context.newPage();

  await page.goto(settings);
  check(
    (await page.textContent("#status")) === "Not connected",
    "settings page opens: Not connected, Connect Gmail offered",
  );
  await page.screenshot({ path: join(shots, "1-settings.png") });

  await page.click("text=Connect Gmail");
  await page.waitForURL(startsWith(`${google}/o/oauth2/v2/auth?`));
  check(
    page.url().includes("code_challenge_method=S256"),
    "Connect goes through /oauth/google/start to the emulator's consent page",
  );
  await page.fill('input[name="newAccount"]', account);
  await page.screenshot({ path: join(shots, "2-consent.png") });
  await page.click('button[value="allow"]');
  await page.waitForURL(
    (url) => url.href.startsWith(`${service}/connect?`) && url.searchParams.get("gmail") === "connected",
  );
  check((await page.textContent("#status")) === "Connected and syncing", "back on the settings page, connected");
  check((await page.textContent("#address")) === account, "the page shows the connected address");
  await page.screenshot({ path: join(shots, "3-connected.png") });

  // npm start restarted: the emulator's Google and the service's state are kept, and the mailbox syncs on.
  await call("POST", "/v1/locations/walk/contacts", { email: "ann@client.test", name: "Ann" });
  await stack.stop();
  await new Promise((r) => setTimeout(r, 1000));
  stack = startStack();
  await ready();
  const delivered = await fetch(`${google}/__emulator/accounts/${account}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      from: "Ann <ann@client.test>",
      to: account,
      subject: "After the restart",
      text: "Still syncing?",
    }),
  });
  check(delivered.ok, "npm start restarted: the emulator still knows the connected account");
  let synced = 0;
  for (let i = 0; i < 60 && synced === 0; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const { body: list } = await call("GET", "/v1/locations/walk/conversations");
    synced = list.conversations?.reduce((n, c) => n + (c.messageCount ?? 0), 0) ?? 0;
  }
  check(synced === 1, "npm start restarted: mail delivered after the restart reached the contact's conversation");
  await page.reload();
  check(
    (await page.textContent("#status")) === "Connected and syncing",
    "after the restart the page still shows the mailbox connected",
  );

  await page.click("text=Disconnect");
  await page.waitForURL(
    (url) => url.href.startsWith(`${service}/connect?`) && url.searchParams.get("done") === "disconnected",
  );
  check((await page.textContent("#status")) === "Disconnected", "Disconnect: the page shows the mailbox disconnected");
  await page.screenshot({ path: join(shots, "4-disconnected.png") });

  // R32: the connect link opened in one browser, its Google page finished in another.
  const { body } = await call("POST", "/v1/locations/walk/users/sam/mailbox/connect", {});
  await page.goto(body.authorizationUrl);
  await page.waitForURL(startsWith(`${google}/o/oauth2/v2/auth?`));
  const other = await browser.newContext({ viewport: { width: 900, height: 640 } });
  const stranger = await other.newPage();
  await stranger.goto(page.url());
  await stranger.fill('input[name="newAccount"]', "someone.else@gmail.com");
  await stranger.click('button[value="allow"]');
  await stranger.waitForURL(startsWith(`${service}/oauth/google/callback?`));
  const refused = await stranger.textContent("body");
  check(
    refused.includes('"invalid_state"'),
    "R32: the link finished in a second browser context is refused 400 invalid_state",
  );
  await stranger.screenshot({ path: join(shots, "5-other-browser-refused.png") });
  const mailbox = (await call("GET", "/v1/locations/walk/users/sam/mailbox")).body.mailbox;
  check(mailbox.status === "disconnected" && mailbox.emailAddress === account, "R32: nothing was connected by it");
  await other.close();

  await page.goto(`${service}/docs`);
  await page.waitForSelector(".swagger-ui .info .title");
  check(
    (await page.textContent(".swagger-ui .info .title")).includes("crm-gmail-sync"),
    "/docs renders the API reference from /openapi.json",
  );
  await page.screenshot({ path: join(shots, "6-docs.png") });
  await page.click("button.authorize");
  await page.fill(".auth-container input", admin);
  await page.click(".auth-btn-wrapper button.authorize");
  await page.click("button.btn-done");
  const op = page
    .locator(
      "#operations-default-get_v1_locations__locationId__users__userId__mailbox, [id^='operations-'][id$='get_v1_locations__locationId__users__userId__mailbox']",
    )
    .first();
  await op.locator(".opblock-summary").click();
  await op.locator("button.try-out__btn").click();
  await op.locator("input[placeholder='locationId']").fill("walk");
  await op.locator("input[placeholder='userId']").fill("sam");
  await op.locator("button.execute").click();
  await op.locator(".responses-wrapper .live-responses-table .response-col_status").first().waitFor();
  const status = (
    await op.locator(".live-responses-table .response .response-col_status").first().textContent()
  ).trim();
  await op
    .locator(".live-responses-table")
    .first()
    .screenshot({ path: join(shots, "7-docs-try-it.png") });
  check(status === "200", "/docs: Authorize with a bearer token, then Try it out on GET …/mailbox answers 200");
  console.log(`browser walk: ${steps.length} checks passed (chromium ${browser.version()}, node ${process.version})`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error(`the stack's last output:\n${output.split("\n").slice(-40).join("\n")}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await stack.stop();
}
