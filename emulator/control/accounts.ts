import { Hono } from "hono";
import { changeLabels, deleteMessage } from "../mailbox/changes";
import { deliverInbound, INBOUND_LABELS } from "../mailbox/deliver";
import { revokeGrant } from "../oauth/tokens";
import { createAccount, findAccount, type EmulatorState } from "../state/store";
import type { Account } from "../state/types";
import { fromBase64 } from "../util/base64";
import { randomInt } from "../util/random";
import { composeFromFields, rawFromText } from "./compose";
import { controlError, readInput } from "./input";
import { viewMailbox, viewMessage } from "./mailbox-view";
import {
  ClockInput,
  CreateAccountInput,
  DeliverInput,
  FaultInput,
  FloorInput,
  HideInput,
  LabelsInput,
  LoseAnswerInput,
  QuotaInput,
  RevokeInput,
} from "./schemas";
import { ownerActionRoutes } from "./owner-actions";
import { ownerSendRoutes } from "./owner-send";

/** Accounts and their mailboxes: create, deliver, read, and the knobs tests turn on one mailbox. */
export function accountRoutes(state: EmulatorState): Hono<{ Variables: { account: Account } }> {
  const app = new Hono<{ Variables: { account: Account } }>();

  app.post("/accounts", async (c) => {
    const input = await readInput(c, CreateAccountInput);
    if (!input.ok) return input.response;
    const account = createAccount(state, input.data);
    return c.json({
      email: account.email,
      name: account.name,
      sub: account.sub,
      historyId: String(account.mailbox.historyId),
    });
  });

  app.get("/accounts", (c) =>
    c.json({ accounts: [...state.accounts.values()].map((a) => ({ email: a.email, name: a.name })) }),
  );

  app.use("/accounts/:email/*", async (c, next) => {
    const account = findAccount(state, c.req.param("email"));
    if (!account) return controlError(404, `no account ${c.req.param("email")}`);
    c.set("account", account);
    await next();
  });
  app.get("/accounts/:email", (c) => {
    const account = findAccount(state, c.req.param("email"));
    return account
      ? c.json(viewMailbox(account, state.clock.of(account)))
      : controlError(404, `no account ${c.req.param("email")}`);
  });

  app.post("/accounts/:email/messages", async (c) => {
    const account = c.var.account;
    const input = await readInput(c, DeliverInput);
    if (!input.ok) return input.response;
    const mail = input.data;
    let raw: Uint8Array | null;
    if ("raw" in mail) raw = rawFromText(mail.raw);
    else if ("rawBase64" in mail) raw = fromBase64(mail.rawBase64);
    else raw = composeFromFields(mail, state.clock.of(account));
    if (!raw) return controlError(400, "rawBase64 is not base64");
    const options = {
      hideFromHistory: mail.hideFromHistory ?? false,
      ...(mail.internalDate ? { internalDate: Date.parse(mail.internalDate) } : {}),
    };
    const message = deliverInbound(state, account, raw, mail.labelIds ?? INBOUND_LABELS, options);
    return c.json({ message: viewMessage(message) });
  });

  app.post("/accounts/:email/messages/:id/labels", async (c) => {
    const account = c.var.account;
    const message = account.mailbox.messages.get(c.req.param("id"));
    if (!message) return controlError(404, "no such message");
    const input = await readInput(c, LabelsInput);
    if (!input.ok) return input.response;
    changeLabels(state, account, message, input.data.add, input.data.remove);
    return c.json({ message: viewMessage(message) });
  });

  app.delete("/accounts/:email/messages/:id", (c) => {
    const account = c.var.account;
    const message = account.mailbox.messages.get(c.req.param("id"));
    if (!message) return controlError(404, "no such message");
    deleteMessage(state, account, message);
    return c.json({ deleted: message.id, historyId: String(account.mailbox.historyId) });
  });

  app.route("/", ownerSendRoutes(state));
  app.route("/", ownerActionRoutes(state));

  app.post("/accounts/:email/revoke", async (c) => {
    const input = await readInput(c, RevokeInput);
    if (!input.ok) return input.response;
    const grants = [...state.grants.values()].filter(
      (g) => g.email === c.var.account.email && (!input.data.clientId || g.clientId === input.data.clientId),
    );
    for (const grant of grants) revokeGrant(state, grant);
    return c.json({ revoked: grants.length });
  });

  app.post("/accounts/:email/password", (c) => {
    c.var.account.passwordGeneration += 1;
    return c.json({ passwordGeneration: c.var.account.passwordGeneration });
  });

  app.post("/accounts/:email/faults", async (c) => {
    const input = await readInput(c, FaultInput);
    if (!input.ok) return input.response;
    const { method, count, status, reason, hangMs } = input.data;
    if ((status === undefined) === (hangMs === undefined))
      return controlError(400, "give exactly one of status or hangMs");
    if (reason !== undefined && status !== 403) return controlError(400, "reason domainPolicy goes with status 403");
    c.var.account.faults.push({
      method,
      remaining: count,
      kind: hangMs !== undefined ? { hangMs } : { status: status!, ...(reason ? { reason } : {}) },
    });
    return c.json({ faults: c.var.account.faults });
  });

  app.delete("/accounts/:email/faults", (c) => {
    c.var.account.faults = [];
    return c.json({ faults: [] });
  });

  app.post("/accounts/:email/lose-next-send-answer", async (c) => {
    const input = await readInput(c, LoseAnswerInput);
    if (!input.ok) return input.response;
    c.var.account.loseNextSendAnswer =
      input.data.mode === "hang" ? { mode: "hang", hangMs: input.data.hangMs } : { mode: "error" };
    return c.json({ armed: input.data.mode });
  });

  app.post("/accounts/:email/history/floor", async (c) => {
    const input = await readInput(c, FloorInput);
    if (!input.ok) return input.response;
    const mailbox = c.var.account.mailbox;
    // Without an id, every cursor handed out so far expires; the mailbox moves on so a fresh one is valid.
    if (input.data.historyId === undefined) mailbox.historyId += randomInt(1, 9);
    mailbox.floor = input.data.historyId === undefined ? mailbox.historyId : Number(input.data.historyId);
    return c.json({ floor: String(mailbox.floor), historyId: String(mailbox.historyId) });
  });

  // History silently leaves these messages out from now on (their past records too); messages.list still finds them.
  app.post("/accounts/:email/history/hide", async (c) => {
    const input = await readInput(c, HideInput);
    if (!input.ok) return input.response;
    const mailbox = c.var.account.mailbox;
    const unknown = input.data.messageIds.filter((id) => !mailbox.messages.has(id));
    if (unknown.length > 0) return controlError(404, `no such message: ${unknown.join(", ")}`);
    for (const id of input.data.messageIds) mailbox.hiddenFromHistory.add(id);
    return c.json({ hidden: [...mailbox.hiddenFromHistory] });
  });

  app.post("/accounts/:email/clock", async (c) => {
    const input = await readInput(c, ClockInput);
    if (!input.ok) return input.response;
    c.var.account.clockOffsetMs += input.data.advanceMs;
    return c.json({
      clockOffsetMs: c.var.account.clockOffsetMs,
      now: new Date(state.clock.of(c.var.account)).toISOString(),
    });
  });

  app.post("/accounts/:email/quota", async (c) => {
    const input = await readInput(c, QuotaInput);
    if (!input.ok) return input.response;
    if (input.data.perMinute !== undefined) c.var.account.quotaPerMinute = input.data.perMinute;
    if (input.data.burstSeconds !== undefined) c.var.account.quotaBurstSeconds = input.data.burstSeconds;
    if (input.data.dailySendLimit !== undefined) c.var.account.dailySendLimit = input.data.dailySendLimit;
    return c.json({
      perMinute: c.var.account.quotaPerMinute ?? state.options.quotaPerMinute,
      dailySendLimit: c.var.account.dailySendLimit,
    });
  });

  app.get("/accounts/:email/counters", (c) => c.json(c.var.account.counters));
  app.delete("/accounts/:email/counters", (c) => {
    c.var.account.counters = { requests: {}, units: {}, totalRequests: 0, totalUnits: 0, rateLimited: 0 };
    return c.json(c.var.account.counters);
  });

  return app;
}
