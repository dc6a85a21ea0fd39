import type { Env } from "./env";
import { createApp } from "./http/app";

export { Mailbox } from "./mailbox/mailbox";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
