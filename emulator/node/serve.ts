/**
 * The Google emulator as a local HTTP server, for `npm start` and bench: Google's endpoints and the control
 * API on one port (GOOGLE_EMULATOR_PORT, default 8788), pushes POSTed to the service by a Pub/Sub loop.
 */
import { serve } from "@hono/node-server";
import { createGoogleEmulator } from "../index";
import { LOCAL_GOOGLE } from "../presets";
import { keepStateFile, loadStateFile } from "./state-file";

const port = Number(process.env.GOOGLE_EMULATOR_PORT ?? LOCAL_GOOGLE.port);
const pushEndpoint = process.env.GOOGLE_EMULATOR_PUSH_ENDPOINT ?? LOCAL_GOOGLE.pushEndpoint;
const quota = process.env.GOOGLE_EMULATOR_QUOTA_PER_MINUTE;

const google = createGoogleEmulator({
  clients: [
    {
      clientId: LOCAL_GOOGLE.clientId,
      clientSecret: LOCAL_GOOGLE.clientSecret,
      redirectUris: [process.env.GOOGLE_EMULATOR_REDIRECT_URI ?? LOCAL_GOOGLE.redirectUri],
    },
  ],
  subscriptions: [
    {
      name: LOCAL_GOOGLE.subscription,
      topic: LOCAL_GOOGLE.topic,
      endpoint: pushEndpoint,
      audience: process.env.GOOGLE_EMULATOR_PUSH_AUDIENCE ?? LOCAL_GOOGLE.pushAudience,
      serviceAccountEmail: LOCAL_GOOGLE.pushServiceAccount,
    },
  ],
  ...(quota ? { quotaPerMinute: Number(quota) } : {}),
  autoCreateAccounts: true,
  pushDelivery: { fetch: (request) => fetch(request) },
});

// Only `npm start` names a state file; bench and tests keep an in-memory Google.
const stateFile = process.env.GOOGLE_EMULATOR_STATE_FILE;
if (stateFile)
  console.log(`Google emulator state: ${stateFile} (${loadStateFile(google, stateFile)} accounts restored)`);
const stopSaving = stateFile ? keepStateFile(google, stateFile) : () => {};

const server = serve(
  {
    fetch: google.fetch,
    port,
    ...(process.env.GOOGLE_EMULATOR_HOST ? { hostname: process.env.GOOGLE_EMULATOR_HOST } : {}),
  },
  (info) => {
    console.log(
      `Google emulator on http://localhost:${info.port} (control API: /__emulator, pushes to ${pushEndpoint})`,
    );
  },
);

function shutdown(): void {
  google.close();
  stopSaving();
  server.close();
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
