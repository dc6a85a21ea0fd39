#!/usr/bin/env node
// With `npm start` running: prints a URL that connects an (emulated) Gmail account, for a browser.
//   node scripts/connect-gmail.mjs [locationId] [userId]     provisions both, prints the authorization URL
//   node scripts/connect-gmail.mjs --status [locationId] [userId]   shows GET …/mailbox
// Open the URL, pick or type an account on the emulator's consent page, Allow: the service's callback
// answers "Gmail is connected", and --status shows the mailbox active.
import { SignJWT } from "jose";
import { readDevVars } from "./dev-vars.mjs";

const SERVICE = process.env.SERVICE_URL ?? "http://localhost:8787";
const args = process.argv.slice(2);
const statusOnly = args[0] === "--status";
const [locationId = "demo-location", userId = "demo-user"] = statusOnly ? args.slice(1) : args;

const vars = readDevVars();
const token = await new SignJWT({ role: "admin" })
  .setProtectedHeader({ alg: "HS256" })
  .setExpirationTime("10m")
  .sign(new TextEncoder().encode(vars.API_JWT_SECRET));

async function call(method, path, body) {
  const res = await fetch(`${SERVICE}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  }).catch(() => {
    console.error(`Nothing answers at ${SERVICE}: is \`npm start\` running?`);
    process.exit(1);
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

if (statusOnly) {
  console.log(JSON.stringify(await call("GET", `/v1/locations/${locationId}/users/${userId}/mailbox`), null, 2));
} else {
  await call("PUT", `/v1/locations/${locationId}`, { name: "Demo location" });
  await call("PUT", `/v1/users/${userId}`, { email: `${userId}@crm.localhost`, name: "Demo user" });
  await call("PUT", `/v1/locations/${locationId}/members/${userId}`, {});
  const { authorizationUrl } = await call("POST", `/v1/locations/${locationId}/users/${userId}/mailbox/connect`, {});
  console.log(`Open this URL in a browser (valid 10 minutes, once):\n\n${authorizationUrl}\n`);
  console.log(`Then: node scripts/connect-gmail.mjs --status ${locationId} ${userId}`);
}
