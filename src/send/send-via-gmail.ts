import type { Env } from "../env";
import { AppError } from "../errors";
import { UPLOAD_THRESHOLD_BYTES, type RawMessage } from "../gmail/send";
import { planMime } from "../mail/build-mime";
import { hasStagedSegment, mimeStream, renderMime, type MimeSegment } from "../mail/mime-segments";
import type { GmailSendOutcome } from "../mailbox/send";
import { mailboxStub } from "../mailbox/stub";
import type { KeyClaim } from "./idempotency";
import { messageIdForSend } from "./message-id";
import type { OutgoingEmail } from "./providers/provider";
import { factsOf } from "./send-via-location";

/**
 * R13: builds the message (our Message-ID and Date) and hands it to the mailbox's Durable Object, which
 * serializes it with the mailbox's sync and quota (R16), sends it, recovers a lost answer (R25) and stores
 * it with Gmail's ids (R15, R14). Returns the stored message's id.
 */
export async function sendViaGmail(
  env: Pick<Env, "MAILBOX">,
  input: {
    locationId: string;
    userId: string;
    contactId: string;
    mailboxAddress: string;
    email: OutgoingEmail;
    threadId: string | null;
    claim: KeyClaim | null;
    now: number;
  },
): Promise<string> {
  const { email } = input;
  const messageIdHeader = await messageIdForSend({
    fromAddress: input.mailboxAddress,
    locationId: input.locationId,
    claim: input.claim,
  });
  const built = planMime({ ...email, messageId: messageIdHeader, date: new Date(input.now) });
  if (!built.ok) throw invalidHeader(built.error);
  // Attachments follow the text part(s) in multipart/mixed, so Gmail numbers them "1", "2", … (build-mime.ts).
  const partIds = email.attachments.map((_, i) => String(i + 1));
  const outcome = await mailboxStub(env, input.mailboxAddress).sendMail({
    locationId: input.locationId,
    userId: input.userId,
    contactId: input.contactId,
    message: rawMessage(built.value.segments, built.value.length),
    messageIdHeader,
    threadId: input.threadId,
    facts: factsOf(email, messageIdHeader, input.now, partIds),
  });
  return messageIdOrThrow(outcome);
}

/**
 * Small messages go whole; large ones as a stream the Durable Object pulls from here (Workers RPC passes the
 * function as a stub), made from the request's own base64 as it is read: neither isolate ever holds the
 * whole message, and each attempt of the upload opens a fresh stream.
 */
function rawMessage(segments: MimeSegment[], length: number): RawMessage {
  if (length < UPLOAD_THRESHOLD_BYTES && !hasStagedSegment(segments))
    return { kind: "inline", raw: renderMime(segments) };
  return { kind: "stream", length, open: () => mimeStream(segments) };
}

export function invalidHeader(problem: { field: string; problem: string; message: string }): AppError {
  return new AppError("invalid_request", `The message cannot be sent: ${problem.message}.`, {
    issues: [{ path: problem.field.split(/[.[\]]+/).filter(Boolean), code: problem.problem, message: problem.message }],
  });
}

/** The Durable Object answers values (errors do not cross RPC as classes); here they become AppErrors. */
function messageIdOrThrow(outcome: GmailSendOutcome): string {
  if (outcome.ok) return outcome.value.messageId;
  const refusal = outcome.error;
  switch (refusal.kind) {
    case "daily_send_limit": {
      const seconds = Math.max(1, Math.ceil((refusal.retryAt - Date.now()) / 1000));
      return throwError(
        new AppError(
          "daily_send_limit",
          refusal.byGmail
            ? "Gmail refused the send for its own sending limit; sends through this mailbox resume at details.retryAt."
            : "This mailbox reached its daily send limit; the next send is possible at details.retryAt.",
          { retryAt: new Date(refusal.retryAt).toISOString(), limit: refusal.limit },
          { "Retry-After": String(seconds) },
        ),
      );
    }
    case "mailbox_needs_reauth":
      return throwError(
        new AppError(
          "mailbox_needs_reauth",
          "Your Gmail connection needs to be renewed: reconnect it, then send again.",
          {
            mailbox: refusal.mailbox,
          },
        ),
      );
    case "mailbox_not_connected":
      return throwError(
        new AppError(
          "mailbox_not_connected",
          "This user's Gmail is not connected in this location; connect it, then send again.",
          {
            mailbox: refusal.mailbox,
          },
        ),
      );
    case "gmail_error":
      return throwError(
        new AppError("gmail_error", "Gmail did not accept the message; see details for Google's reason.", {
          status: refusal.status,
          reason: refusal.reason,
        }),
      );
  }
}

function throwError(error: AppError): never {
  throw error;
}
