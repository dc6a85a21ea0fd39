import type { Config } from "../config";
import { openToken, sealToken, type OpenFailure, type SealedToken, type TokenKeys } from "../google/token-crypto";
import { ok, type Result } from "../util/result";

export function tokenKeys(config: Pick<Config, "TOKEN_ENCRYPTION_KEY" | "TOKEN_ENCRYPTION_KEY_PREVIOUS">): TokenKeys {
  return { current: config.TOKEN_ENCRYPTION_KEY, previous: config.TOKEN_ENCRYPTION_KEY_PREVIOUS };
}

/** Seals a refresh token for one mailbox: the address is the additional data, so it opens nowhere else. */
export function sealGrant(keys: TokenKeys, address: string, refreshToken: string): Promise<SealedToken> {
  return sealToken(keys, refreshToken, address);
}

export type OpenedGrant = Result<{ refreshToken: string; resealed: SealedToken | null }, OpenFailure>;

/**
 * Opens a stored grant. A grant sealed under the previous key comes back re-sealed under the current one
 * (`resealed`), for the caller to store: that is how a key rotation completes, one mailbox at a time.
 */
export async function openGrant(keys: TokenKeys, address: string, sealed: SealedToken): Promise<OpenedGrant> {
  const opened = await openToken(keys, sealed, address);
  if (!opened.ok) return opened;
  const { plaintext, resealNeeded } = opened.value;
  const resealed = resealNeeded ? await sealToken(keys, plaintext, address) : null;
  return ok({ refreshToken: plaintext, resealed });
}
