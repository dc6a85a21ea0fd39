import { Hono } from "hono";
import { commitSend } from "../mailbox/send";
import type { EmulatorState } from "../state/store";
import type { Account } from "../state/types";
import { composeFromFields, rawFromText } from "./compose";
import { controlError, readInput } from "./input";
import { viewMessage } from "./mailbox-view";
import { OwnerSendInput } from "./schemas";

/**
 * The owner writing from Gmail's own interface: no API call, no quota units, but the same daily sending
 * limit, and Gmail's UI threads a reply itself (In-Reply-To, References, "Re:" subject, threadId).
 */
export function ownerSendRoutes(state: EmulatorState): Hono<{ Variables: { account: Account } }> {
  const app = new Hono<{ Variables: { account: Account } }>();
  app.post("/accounts/:email/send", async (c) => {
    const account = c.var.account;
    const input = await readInput(c, OwnerSendInput);
    if (!input.ok) return input.response;
    const mail = input.data;
    let raw: Uint8Array;
    let threadId: string | null = null;
    if ("raw" in mail) {
      raw = rawFromText(mail.raw);
      threadId = mail.threadId ?? null;
    } else {
      const original = mail.replyToMessageId ? account.mailbox.messages.get(mail.replyToMessageId) : undefined;
      if (mail.replyToMessageId && !original) return controlError(404, "replyToMessageId is not in this mailbox");
      const fields = { ...mail, from: { email: account.email, name: account.name } };
      if (original) {
        threadId = original.threadId;
        const references = [
          ...(original.mime.headers.find((h) => h.name.toLowerCase() === "references")?.value.match(/<[^<>\s]+>/g) ??
            []),
        ];
        if (original.messageIdHeader) references.push(original.messageIdHeader);
        fields.inReplyTo ??= original.messageIdHeader ?? undefined;
        fields.references ??= references;
        if (!fields.subject)
          fields.subject = /^re:/i.test(original.subject) ? original.subject : `Re: ${original.subject}`;
      }
      raw = composeFromFields(fields, state.clock.of(account));
    }
    const result = commitSend(state, account, raw, threadId);
    if ("kind" in result) {
      if (result.kind === "sendingLimit")
        return controlError(429, `sending limit reached until ${new Date(result.retryAt).toISOString()}`);
      if (result.kind === "threadNotFound") return controlError(404, "threadId is not in this mailbox");
      return controlError(400, result.message);
    }
    return c.json({ message: viewMessage(result) });
  });
  return app;
}
