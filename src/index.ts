import { handleEmail } from "./bcc/email-handler";
import { runScheduled } from "./cron/scheduled";
import type { Env } from "./env";
import { createApp } from "./http/app";
import { handlePrivacyQueue } from "./privacy/privacy-queue";
import { reportConfigAtStartup } from "./startup-check";

export { Mailbox } from "./mailbox/mailbox";

reportConfigAtStartup();
const app = createApp();

export default {
  fetch: app.fetch,
  email: handleEmail,
  scheduled: (controller, env) => runScheduled(controller, env),
  queue: (batch, env) => handlePrivacyQueue(batch as MessageBatch<never>, env),
} satisfies ExportedHandler<Env>;
