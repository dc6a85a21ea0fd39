import type { Config } from "../config";
import { getConnection } from "../db/connections";
import { locationDb } from "../db/database";
import { isMember } from "../db/members";
import type { Env } from "../env";
import { verifyIdToken } from "../google/id-token";
import type { OAuthState } from "../google/oauth-state";
import { missingScopes } from "../google/scopes";
import { exchangeCode } from "../google/token-exchange";
import { log } from "../log";
import { err, ok, type Result } from "../util/result";
import { mailboxStub } from "./stub";

/** The `reason` codes the callback redirects with (docs/api.md), besides invalid_state which is a 400. */
export type ConnectFailure = "access_denied" | "google_error" | "insufficient_scope" | "mailbox_taken" | "not_a_member";

export type ConnectResult = Result<{ address: string; resumed: boolean }, ConnectFailure>;

export interface CallbackParams {
  code?: string | undefined;
  error?: string | undefined;
  iss?: string | undefined;
}

const GOOGLE_ISSUER = "https://accounts.google.com";

/**
 * The callback after the state is verified and spent: code → tokens (PKCE), ID token → address (R1),
 * scopes (R1), then the mailbox's DO takes the grant (mailbox_taken, watch, cursor: R1–R3, R6). Last,
 * R4: a different account connected before in this (location, user) stops being used there.
 */
export async function completeConnect(
  env: Env,
  config: Config,
  state: OAuthState,
  params: CallbackParams,
  now: number,
): Promise<ConnectResult> {
  // RFC 9207: an authorization answer naming another issuer is a mix-up attempt; nothing is exchanged.
  if (params.iss !== undefined && params.iss !== GOOGLE_ISSUER) return fail("google_error", "unexpected_iss");
  if (params.error !== undefined)
    return fail(params.error === "access_denied" ? "access_denied" : "google_error", params.error);
  if (!params.code) return fail("google_error", "no_code");

  const exchanged = await exchangeCode(config, params.code, state.codeVerifier);
  if (!exchanged.ok) return fail("google_error", exchanged.error.reason);
  const tokens = exchanged.value;
  const identity = await verifyIdToken(config, tokens.idToken, now);
  if (!identity.ok) return fail("google_error", identity.error);
  const { email } = identity.value;
  const missing = missingScopes(tokens.scope);
  if (missing.length > 0) return fail("insufficient_scope", `missing ${missing.join(" ")}`);

  const db = await locationDb(env, state.locationId);
  // Membership may have ended during the ten minutes at Google.
  if (!(await isMember(db, state.locationId, state.userId))) return fail("not_a_member", "not_a_member");
  const previous = await getConnection(db, state.locationId, state.userId);

  const outcome = await mailboxStub(env, email).connectAccount({
    address: email,
    userId: state.userId,
    locationId: state.locationId,
    refreshToken: tokens.refreshToken,
    accessToken: tokens.accessToken,
    accessExpiresInSec: tokens.expiresInSec,
    scopes: tokens.scope,
    now,
  });
  if (!outcome.ok) return fail(outcome.error, outcome.error);

  if (previous && previous.mailboxAddress !== email) {
    // R4: the old mailbox stops syncing here; the D1 row already names the new address for sends.
    await mailboxStub(env, previous.mailboxAddress).disconnect({
      locationId: state.locationId,
      userId: state.userId,
      now,
    });
  }
  return ok({ address: email, resumed: outcome.value.resumed });
}

function fail(reason: ConnectFailure, detail: string): ConnectResult {
  log.warn("mailbox_connect_refused", { reason, detail });
  return err(reason);
}
