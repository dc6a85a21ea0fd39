import { handleEmail } from "./bcc/email-handler";
import { isMailboxTaskQueue } from "./cron/mailbox-tasks";
import { runMailboxTasks } from "./cron/run-mailbox-tasks";
import { runScheduled } from "./cron/scheduled";
import type { Env } from "./env";
import { handleEventQueue, isEventQueue } from "./events/consumer";
import { createApp } from "./http/app";
import { eventPresenters } from "./http/present";
import { handlePrivacyQueue } from "./privacy/privacy-queue";
import { isPrivacyQueue } from "./privacy/queue-message";
import { reportConfigAtStartup } from "./startup-check";

export { Mailbox } from "./mailbox/mailbox";

reportConfigAtStartup();
const app = createApp();

export default {
  fetch: app.fetch,
  email: handleEmail,
  scheduled: (controller, env) => runScheduled(controller, env),
  queue: async (batch, env) => {
    if (isMailboxTaskQueue(batch.queue)) return runMailboxTasks(batch, env);
    if (isEventQueue(batch.queue)) return handleEventQueue(batch, env, eventPresenters);
    if (isPrivacyQueue(batch.queue)) return handlePrivacyQueue(batch, env);
    throw new Error(`no consumer for queue ${batch.queue}`);
  },
} satisfies ExportedHandler<Env>;
