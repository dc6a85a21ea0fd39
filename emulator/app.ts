import { Hono } from "hono";
import { accountRoutes } from "./control/accounts";
import { CONTROL_PREFIX } from "./control/input";
import { oauthControlRoutes } from "./control/oauth";
import { pubsubRoutes } from "./control/pubsub";
import { batchRoutes } from "./gmail/batch";
import { errors } from "./gmail/errors";
import type { GmailEnv } from "./gmail/guard";
import { historyRoutes } from "./gmail/history";
import { messageRoutes } from "./gmail/messages";
import { modifyRoutes } from "./gmail/modify";
import { profileRoutes } from "./gmail/profile";
import { sendRoutes } from "./gmail/send";
import { watchRoutes } from "./gmail/watch";
import { authorizeRoutes } from "./oauth/authorize";
import { certsRoutes } from "./oauth/certs";
import { revokeRoutes } from "./oauth/revoke";
import { tokenRoutes } from "./oauth/token";
import type { EmulatorState } from "./state/store";

/** Gmail v1 (and its upload variant) at Google's paths. */
function gmailApp(state: EmulatorState): Hono<GmailEnv> {
  const app = new Hono<GmailEnv>();
  profileRoutes(app, state);
  watchRoutes(app, state);
  historyRoutes(app, state);
  modifyRoutes(app, state);
  messageRoutes(app, state);
  sendRoutes(app, state);
  return app;
}

/** Everything Google serves, plus the control API under /__emulator. */
export function buildApp(state: EmulatorState): Hono {
  const app = new Hono();
  const gmail = gmailApp(state);
  app.route("/", authorizeRoutes(state));
  app.route("/", tokenRoutes(state));
  app.route("/", revokeRoutes(state));
  app.route("/", certsRoutes(state));
  app.route("/", batchRoutes(gmail));
  app.route("/", gmail);
  app.route(CONTROL_PREFIX, accountRoutes(state));
  app.route(CONTROL_PREFIX, pubsubRoutes(state));
  app.route(CONTROL_PREFIX, oauthControlRoutes(state));
  app.get(`${CONTROL_PREFIX}/health`, (c) => c.json({ ok: true }));
  app.notFound((c) =>
    c.req.path.startsWith(CONTROL_PREFIX) ? c.json({ error: "no such control endpoint" }, 404) : errors.notFound(),
  );
  return app;
}
