import type { Hono } from "hono";
import type { EmulatorState } from "../state/store";
import { SYSTEM_LABELS } from "../state/types";
import { gmailJson } from "./errors";
import { gmailCall, type GmailEnv } from "./guard";

/** users.getProfile and users.labels.list. */
export function profileRoutes(app: Hono<GmailEnv>, state: EmulatorState): void {
  app.get("/gmail/v1/users/:userId/profile", gmailCall(state, "users.getProfile"), (c) => {
    const { account } = c.var.call;
    const mailbox = account.mailbox;
    return gmailJson({
      emailAddress: account.email,
      messagesTotal: mailbox.messages.size,
      threadsTotal: mailbox.threads.size,
      historyId: String(mailbox.historyId),
    });
  });

  app.get("/gmail/v1/users/:userId/labels", gmailCall(state, "users.labels.list"), () =>
    gmailJson({ labels: SYSTEM_LABELS.map((id) => ({ id, name: id, type: "system" })) }),
  );
}
