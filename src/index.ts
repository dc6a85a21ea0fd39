import { handleEmail } from "./bcc/email-handler";
import { runScheduled } from "./cron/scheduled";
import type { Env } from "./env";
import { createApp } from "./http/app";

export { Mailbox } from "./mailbox/mailbox";

const app = createApp();

export default {
  fetch: app.fetch,
  email: handleEmail,
  scheduled: (controller, env) => runScheduled(controller, env),
} satisfies ExportedHandler<Env>;
