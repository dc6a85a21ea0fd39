import { handleEmail } from "./bcc/email-handler";
import type { Env } from "./env";
import { createApp } from "./http/app";

export { Mailbox } from "./mailbox/mailbox";

const app = createApp();

export default {
  fetch: app.fetch,
  email: handleEmail,
} satisfies ExportedHandler<Env>;
