import type { Config } from "../config";
import { locationDb } from "../db/database";
import { getMessage, type MessageWithAttachments } from "../db/messages/read";
import type { Env } from "../env";
import { AppError } from "../errors";
import { replySubject } from "../mail/reply-subject";
import { validateOutgoingMessage } from "../mail/validate-outgoing";
import type { KeyClaim } from "./idempotency";
import { loadSendContext, type SendContext } from "./load-send-context";
import { planProvider, planReply, type ReplyPlan } from "./plan-send";
import { cloudflareEmailProvider } from "./providers/cloudflare-email";
import type { OutgoingAttachment, StagedContent } from "../mail/outgoing-message";
import type { OutgoingEmail } from "./providers/provider";
import { invalidHeader, sendViaGmail } from "./send-via-gmail";
import { sendViaLocation } from "./send-via-location";

/** What a CRM send asks for, once the HTTP edge validated it (http/schemas/send.ts's SendMessageBody). */
export interface SendRequest {
  userId: string;
  contactId: string;
  kind: "individual" | "bulk" | "workflow";
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  /** Normalized addresses. */
  cc: string[];
  bcc: string[];
  /** A CRM message id in the same conversation. */
  inReplyTo?: string | undefined;
  /** Staged by the request's reader (http/send-body/): in the Worker if small, else in R2; never held whole. */
  attachments: SendAttachmentInput[];
}

interface SendAttachmentInput {
  filename: string;
  contentType: string;
  staged: StagedContent;
}

/**
 * POST /v1/locations/{loc}/messages once validated (R17 already checked): loads and checks what the send
 * names, picks the provider (R13, R18), sends, and returns the stored message (the route presents it).
 */
export async function sendMessage(
  env: Env,
  config: Config,
  input: { locationId: string; body: SendRequest; claim: KeyClaim | null; now: number },
): Promise<MessageWithAttachments> {
  const { locationId, body } = input;
  const context = await loadSendContext(env, locationId, body);
  const planned = planProvider(body.kind, context.connection);
  if (!planned.ok) {
    throw new AppError(
      "mailbox_needs_reauth",
      "Your Gmail connection needs to be renewed: reconnect it, then send again.",
      {
        mailbox: planned.error.mailboxAddress,
      },
    );
  }
  const plan = planned.value;
  const reply = context.reply
    ? planReply({
        replied: context.reply.message,
        threadIds: context.reply.threadIds,
        sendingMailbox: plan.provider === "gmail" ? plan.mailboxAddress : null,
      })
    : null;

  let messageId: string;
  if (plan.provider === "gmail") {
    const email = outgoingEmail(context, body, reply, { email: plan.mailboxAddress, name: context.user.name }, null);
    messageId = await sendViaGmail(env, {
      locationId,
      userId: context.user.id,
      contactId: context.contact.id,
      mailboxAddress: plan.mailboxAddress,
      email,
      threadId: reply?.threadId ?? null,
      claim: input.claim,
      now: input.now,
    });
  } else {
    const sender = config.LOCATION_SENDER_ADDRESS ?? `no-reply@${config.BCC_DOMAIN}`;
    const replyTo = { email: context.user.email, name: context.user.name };
    // R18: the location's provider takes whole bytes, so staged parts are read into memory here.
    const whole = { ...body, attachments: await Promise.all(body.attachments.map(readStaged)) };
    const email = outgoingEmail(context, whole, reply, { email: sender, name: context.user.name }, replyTo);
    // The provider writes the MIME, but the values are ours to vouch for: the same header checks (R13).
    const checked = validateOutgoingMessage({ ...email, messageId: "<check@send.invalid>", date: new Date(input.now) });
    if (!checked.ok) throw invalidHeader(checked.error);
    messageId = await sendViaLocation(env, cloudflareEmailProvider(env.EMAIL), {
      locationId,
      contactId: context.contact.id,
      email,
      now: input.now,
    });
  }
  const row = await getMessage(await locationDb(env, locationId), locationId, messageId);
  if (!row) throw new Error(`sendMessage: stored message ${messageId} is missing`);
  return row;
}

async function readStaged(a: SendAttachmentInput): Promise<OutgoingAttachment> {
  const content = new Uint8Array(await new Response(await a.staged.open()).arrayBuffer());
  return { filename: a.filename, contentType: a.contentType, content };
}

function outgoingEmail(
  context: SendContext,
  body: Omit<SendRequest, "attachments"> & { attachments: OutgoingAttachment[] },
  reply: ReplyPlan | null,
  from: OutgoingEmail["from"],
  replyTo: OutgoingEmail["replyTo"],
): OutgoingEmail {
  return {
    from,
    replyTo,
    to: [{ email: context.contact.email, name: context.contact.name }],
    cc: body.cc.map((email) => ({ email, name: null })),
    bcc: body.bcc.map((email) => ({ email, name: null })),
    // R13: a reply keeps the conversation's subject, with one "Re: ", so Gmail threads it.
    subject: reply ? replySubject(reply.baseSubject) : body.subject,
    text: body.text ?? null,
    html: body.html ?? null,
    inReplyTo: reply?.inReplyTo ?? null,
    references: reply?.references ?? [],
    // Staged: the MIME streams them in as base64, from R2 or memory, once per upload attempt.
    attachments: body.attachments,
  };
}
