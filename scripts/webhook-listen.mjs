#!/usr/bin/env node
// A local CRM endpoint for R29's events: `node scripts/webhook-listen.mjs <locationId> [eventType…]` (all types
// by default). It listens on http://localhost:8790 (WEBHOOK_LISTEN_PORT), subscribes that URL to the location
// through the API of `npm start` (SERVICE_URL, default http://localhost:8787; npm start allows this origin over
// plain http through WEBHOOK_ALLOWED_HTTP_ORIGINS), checks the Standard Webhooks signature of every delivery
// with the `standardwebhooks` package, prints each event on one line, and unsubscribes at Ctrl-C.
import { createServer } from "node:http";
import { SignJWT } from "jose";
import { Webhook } from "standardwebhooks";
import { readDevVars } from "./dev-vars.mjs";

const [locationId, ...types] = process.argv.slice(2);
if (!locationId) {
  console.error("usage: node scripts/webhook-listen.mjs <locationId> [eventType…]   (npm start must be running)");
  process.exit(2);
}
const port = Number(process.env.WEBHOOK_LISTEN_PORT ?? 8790);
const service = process.env.SERVICE_URL ?? "http://localhost:8787";
const vars = readDevVars();
const token = await new SignJWT({ loc: locationId })
  .setProtectedHeader({ alg: "HS256" })
  .setExpirationTime("12h")
  .sign(new TextEncoder().encode(vars.API_JWT_SECRET));
const api = (method, path, body) =>
  fetch(`${service}/v1/locations/${locationId}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

let verifier = null;
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      const event = verifier.verify(body, req.headers);
      console.log(`${event.createdAt} ${event.type} ${event.id} ${JSON.stringify(event.data)}`);
      res.writeHead(204).end();
    } catch (error) {
      console.error(`refused a delivery: ${error.message}`);
      res.writeHead(401).end();
    }
  });
});
await new Promise((resolve) => server.listen(port, "localhost", resolve));

let created;
try {
  created = await api("POST", "/webhooks", {
    url: `http://localhost:${port}/events`,
    events: types.length ? types : ["*"],
    description: "webhook-listen.mjs",
  });
} catch {
  console.error(`Cannot reach ${service}: is npm start running?`);
  process.exit(1);
}
const answer = await created.json();
if (created.status !== 201) {
  console.error(`Subscribing failed: ${created.status} ${JSON.stringify(answer)}`);
  process.exit(1);
}
verifier = new Webhook(answer.webhook.secret);
console.log(
  `Listening on http://localhost:${port}/events as webhook ${answer.webhook.id} of ${locationId} (${answer.webhook.events.join(", ")}); Ctrl-C to stop.`,
);

process.on("SIGINT", async () => {
  await api("DELETE", `/webhooks/${answer.webhook.id}`).catch(() => {});
  server.close();
  process.exit(0);
});
