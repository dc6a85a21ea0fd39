import { loadConfig } from "../config";
import type { Env } from "../env";
import { streamAttachment } from "../gmail/attachments";
import { GmailClient, GmailError, type GmailClientOptions } from "../gmail/client";
import { locateGmailPart, partsNumberedByPlace } from "../gmail/message-part";
import { getGmailMessage, getGmailMessageForPart } from "../gmail/messages";
import { mailboxStub } from "../mailbox/stub";
import { decodeBase64Url } from "../sync/gmail-body";
import { err, ok, type Result } from "../util/result";

export interface GmailPartRef {
  mailbox: string;
  locationId: string;
  gmailMessageId: string;
  partId: string;
}

export type GmailAttachmentOutcome = Result<
  { body: ReadableStream<Uint8Array>; size: number },
  "not_found" | "not_connected" | "gmail_error"
>;

/** The mailbox object refused: not active, or not connected to the location (gmail-lease.ts). */
class NotConnected extends Error {}

/**
 * R17, reading 12: the content of one part of a synced Gmail message, read by this Worker with a token the
 * mailbox's Durable Object lends, so a download never loads the object (its sync and sends go on). The
 * part is found by its stable part id in a messages.get of format full, whose answer carries attachment
 * ids, not attachment bodies; an attachment is then streamed from attachments.get and decoded on the way
 * (gmail/attachments.ts). Small parts Gmail sends inline are decoded in memory.
 */
export async function openGmailAttachment(env: Env, ref: GmailPartRef): Promise<GmailAttachmentOutcome> {
  const config = loadConfig(env);
  const client = new GmailClient({
    baseUrl: config.GMAIL_API_URL,
    timeoutMs: config.GOOGLE_TIMEOUT_MS,
    ...leasedAccess(env, ref),
  });
  try {
    const read = await getGmailMessageForPart(client, ref.gmailMessageId, ref.partId);
    const part = locateGmailPart(read.message, ref.partId);
    if (part === null) return err("not_found");
    if (part.kind === "inline") {
      // Kept by its place in the tree. Not kept: the part has no data, or lies deeper than the reader tracks
      // (then its data stayed in the answer); were the parts numbered otherwise than Gmail numbers them, it
      // may have been dropped, so the message is read again whole.
      const numbered = partsNumberedByPlace(read.message);
      const data = read.data ?? (numbered ? part.data : await inlineDataReadWhole(client, ref));
      const bytes = decodeBase64Url(data);
      return ok({ body: new Blob([bytes]).stream(), size: bytes.byteLength });
    }
    const body = await streamAttachment(client, ref.gmailMessageId, part.attachmentId);
    // Gmail's size of this read is the length served; a stream that ends shorter or longer errors.
    const sized = new FixedLengthStream(part.size);
    body.pipeTo(sized.writable).catch(() => {});
    return ok({ body: sized.readable, size: part.size });
  } catch (error) {
    if (error instanceof NotConnected) return err("not_connected");
    if (!(error instanceof GmailError)) throw error;
    if (error.kind === "not_found") return err("not_found");
    return err(error.kind === "auth_revoked" ? "not_connected" : "gmail_error");
  }
}

/**
 * The client's quota gate and token source, both answered by the mailbox object: each call's units are
 * spent through its pacer, which lends the token with them; a 401 asks it for a refreshed one.
 */
function leasedAccess(env: Env, ref: GmailPartRef): Pick<GmailClientOptions, "quotaGate" | "accessToken"> {
  const mailbox = mailboxStub(env, ref.mailbox);
  let token: string | null = null;
  const lend = async (units: number, forceRefresh: boolean): Promise<string> => {
    const outcome = await mailbox.lendGmailAccess({ locationId: ref.locationId, units, forceRefresh });
    if (outcome.ok) {
      token = outcome.value.accessToken;
      return token;
    }
    if (outcome.error.kind === "not_connected") throw new NotConnected("the mailbox does not serve this location");
    throw new GmailError(outcome.error.failure, null, "lend access token");
  };
  return {
    // The object's pacer holds the call in flight itself (gmail-lease.ts): nothing to settle here.
    quotaGate: async (units) => {
      await lend(units, false);
      return { settle: () => {} };
    },
    accessToken: ({ forceRefresh }) =>
      forceRefresh || token === null ? lend(0, forceRefresh) : Promise.resolve(token),
  };
}

async function inlineDataReadWhole(client: GmailClient, ref: GmailPartRef): Promise<string> {
  const part = locateGmailPart(await getGmailMessage(client, ref.gmailMessageId), ref.partId);
  return part?.kind === "inline" ? part.data : "";
}
