import { GmailError, type QuotaGate } from "../gmail/client";
import type { GoogleFailure } from "../gmail/classify";
import type { AccessTokenCache } from "./access-token";
import { findConnection } from "./connections";
import { readAccount } from "./state";

export interface GmailLeaseRequest {
  locationId: string;
  /** Quota units of the call about to be made: spent through this mailbox's pacer before the token is lent. */
  units: number;
  /** The last token drew a 401: refresh it (once per call, as GmailClient does). */
  forceRefresh: boolean;
}

export type GmailLeaseOutcome =
  | { ok: true; accessToken: string }
  | { ok: false; reason: "not_connected" }
  | { ok: false; reason: "gmail_error"; failure: GoogleFailure };

/**
 * Reading 12: lends the Worker this mailbox's access token for one Gmail call it makes itself (an attachment
 * download streamed past the object, so nothing of its size is held here). The object still decides: only
 * while the account is active and connected to `locationId` by its own list (not D1's copy), and only once
 * the call's units fit its quota pacer, so downloads and the sync share one budget. The token lives at most
 * Google's hour, travels only over this RPC, and is never logged or put in an API answer.
 */
export async function lendGmailAccess(
  mailbox: { sql: SqlStorage; tokens: AccessTokenCache; quotaGate: QuotaGate | undefined },
  request: GmailLeaseRequest,
  now: number,
): Promise<GmailLeaseOutcome> {
  if (readAccount(mailbox.sql)?.status !== "active") return { ok: false, reason: "not_connected" };
  if (findConnection(mailbox.sql, request.locationId) === null) return { ok: false, reason: "not_connected" };
  try {
    if (request.units > 0) await mailbox.quotaGate?.(request.units);
    return { ok: true, accessToken: await mailbox.tokens.get(now, request.forceRefresh) };
  } catch (error) {
    // GmailError does not survive the RPC as a class: its classification travels as plain data.
    if (error instanceof GmailError) return { ok: false, reason: "gmail_error", failure: error.failure };
    throw error;
  }
}
