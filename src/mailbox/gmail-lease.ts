import type { GoogleFailure } from "../gmail/classify";
import { GmailError } from "../gmail/client";
import { err, ok, type Result } from "../util/result";
import { findConnection } from "./connections";
import type { MailboxContext } from "./context";
import { readAccount } from "./state";

export interface GmailLeaseRequest {
  locationId: string;
  /** Quota units of the call about to be made: taken from this mailbox's pacer before the token is lent. */
  units: number;
  /** The last token drew a 401: refresh it (once per call, as GmailClient does). */
  forceRefresh: boolean;
}

export type GmailLeaseRefusal = { kind: "not_connected" } | { kind: "gmail_error"; failure: GoogleFailure };

export type GmailLeaseOutcome = Result<{ accessToken: string }, GmailLeaseRefusal>;

/**
 * How long a lent call counts as in flight in the pacer before its spend is recorded. The Worker's call
 * reaches Google within this: the spend is dated after Google counted it, never before, so the pacer errs
 * toward waiting, never toward a 429 (sync/quota.ts dates spends at the answer for the same reason).
 */
export const LENT_CALL_IN_FLIGHT_MS = 2_000;

/**
 * Reading 12: lends the Worker this mailbox's access token for one Gmail call it makes itself (an attachment
 * download streamed past the object, so nothing of its size is held here). The object still decides: only
 * while the account is active and connected to `locationId` by its own list (not D1's copy), and only once
 * the call's units fit its quota pacer, so downloads and the sync share one budget. The token lives at most
 * Google's hour, travels only over this RPC, and is never logged or put in an API answer.
 */
export async function lendGmailAccess(context: MailboxContext, request: GmailLeaseRequest): Promise<GmailLeaseOutcome> {
  if (readAccount(context.sql)?.status !== "active") return err({ kind: "not_connected" });
  if (findConnection(context.sql, request.locationId) === null) return err({ kind: "not_connected" });
  try {
    if (request.units > 0) {
      const ticket = await context.quotaGate(request.units);
      setTimeout(() => ticket.settle(), LENT_CALL_IN_FLIGHT_MS);
    }
    return ok({ accessToken: await context.tokens.get(context.now(), request.forceRefresh) });
  } catch (error) {
    // GmailError does not survive the RPC as a class: its classification travels as plain data.
    if (error instanceof GmailError) return err({ kind: "gmail_error", failure: error.failure });
    throw error;
  }
}
