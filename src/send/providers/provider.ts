import type { Address } from "../../mail/message-facts";
import type { OutgoingMessage } from "../../mail/outgoing-message";
import type { Result } from "../../util/result";

/**
 * One email as any provider takes it: the send's content, validated (validate-outgoing.ts). Message-ID and
 * Date are not in it: the Gmail path writes its own, services such as Cloudflare's assign theirs.
 */
export type OutgoingEmail = Omit<OutgoingMessage, "messageId" | "date"> & {
  /** Where the recipient's answer should go, when it is not the From address. */
  replyTo: Address | null;
};

/** The Message-ID the provider gave the email, or its refusal in words (for the log only). */
export type ProviderResult = Result<{ messageIdHeader: string }, string>;

/**
 * The location's own outgoing mail (R18): whatever carries bulk and workflow mail, and individual mail of
 * users without Gmail. Cloudflare Email Service today; an SMTP relay or an HTTP API fits the same shape.
 * The provider names the Message-ID: services such as Cloudflare's assign their own.
 */
export interface EmailProvider {
  readonly name: string;
  send(email: OutgoingEmail): Promise<ProviderResult>;
}
