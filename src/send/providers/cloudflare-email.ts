import type { Address } from "../../mail/message-facts";
import { attachmentBytes } from "../../mail/outgoing-message";
import type { EmailProvider, OutgoingEmail, ProviderResult } from "./provider";
import { err, ok } from "../../util/result";

const toEmailAddress = (a: Address): string | EmailAddress =>
  a.name === null ? a.email : { email: a.email, name: a.name };

/**
 * Cloudflare Email Service through the `send_email` binding, with its structured builder: one call for
 * To, Cc and Bcc together (a raw `EmailMessage` has a single envelope recipient), and Cloudflare writes the
 * MIME, Date and Message-ID itself (both are platform-controlled headers there), returning the id it chose.
 * In-Reply-To and References are among the headers it lets a sender set.
 */
export function cloudflareEmailProvider(binding: SendEmail): EmailProvider {
  return {
    name: "cloudflare-email",
    async send(email: OutgoingEmail): Promise<ProviderResult> {
      const headers: Record<string, string> = {};
      if (email.inReplyTo) headers["In-Reply-To"] = email.inReplyTo;
      if (email.references && email.references.length > 0) headers.References = email.references.join(" ");
      try {
        const result = await binding.send({
          from: toEmailAddress(email.from),
          to: email.to.map(toEmailAddress),
          ...(email.cc.length > 0 ? { cc: email.cc.map(toEmailAddress) } : {}),
          ...(email.bcc.length > 0 ? { bcc: email.bcc.map(toEmailAddress) } : {}),
          ...(email.replyTo !== null ? { replyTo: toEmailAddress(email.replyTo) } : {}),
          subject: email.subject,
          ...(typeof email.text === "string" ? { text: email.text } : {}),
          ...(typeof email.html === "string" ? { html: email.html } : {}),
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
          attachments: email.attachments.map((a) => ({
            disposition: "attachment" as const,
            filename: a.filename,
            type: a.contentType,
            content: attachmentBytes(a),
          })),
        });
        return ok({ messageIdHeader: withBrackets(result.messageId) });
      } catch (error) {
        return err(error instanceof Error ? error.message : String(error));
      }
    },
  };
}

/** The binding's answer is documented as "the Email Message ID"; stored ids always carry their brackets. */
function withBrackets(id: string): string {
  const bare = id.trim().replace(/^<|>$/g, "");
  return `<${bare}>`;
}
