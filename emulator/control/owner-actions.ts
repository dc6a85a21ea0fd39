import { Hono } from "hono";
import { changeLabels, trashMessage, untrashMessage } from "../mailbox/changes";
import type { EmulatorState } from "../state/store";
import type { Account, StoredMessage } from "../state/types";
import { controlError } from "./input";
import { viewMessage } from "./mailbox-view";

type Action = (state: EmulatorState, account: Account, message: StoredMessage) => void;

/** What the owner does to one message in Gmail's own interface (no API call, no quota spent). */
const ACTIONS: Record<string, Action> = {
  read: (state, account, message) => changeLabels(state, account, message, [], ["UNREAD"]),
  unread: (state, account, message) => changeLabels(state, account, message, ["UNREAD"], []),
  trash: trashMessage,
  restore: untrashMessage,
};

/** POST /accounts/:email/messages/:id/{read,unread,trash,restore}: the same history records Gmail writes. */
export function ownerActionRoutes(state: EmulatorState): Hono<{ Variables: { account: Account } }> {
  const app = new Hono<{ Variables: { account: Account } }>();
  app.post("/accounts/:email/messages/:id/:action{read|unread|trash|restore}", (c) => {
    const account = c.var.account;
    const message = account.mailbox.messages.get(c.req.param("id"));
    if (!message) return controlError(404, "no such message");
    ACTIONS[c.req.param("action")]!(state, account, message);
    return c.json({ message: viewMessage(message), historyId: String(account.mailbox.historyId) });
  });
  return app;
}
