/** Refresh this long before Google's expiry, so that no call starts with a token about to die. */
export const ACCESS_TOKEN_REFRESH_AHEAD_MS = 5 * 60 * 1000;

export interface AccessToken {
  token: string;
  expiresAt: number;
}

/** Pure: is the token good for a call starting at `now`? */
export function isFresh(token: AccessToken | null, now: number): token is AccessToken {
  return token !== null && token.expiresAt - ACCESS_TOKEN_REFRESH_AHEAD_MS > now;
}

/**
 * The mailbox's access token, kept in memory only (never stored: one refresh per wake-up is cheaper
 * than one more secret at rest). At most one refresh is in flight; every caller waiting meanwhile gets
 * its result, so a burst of calls costs Google one token request.
 */
export class AccessTokenCache {
  #current: AccessToken | null = null;
  #inflight: Promise<AccessToken> | null = null;

  constructor(private readonly refresh: (now: number) => Promise<AccessToken>) {}

  async get(now: number, forceRefresh = false): Promise<string> {
    if (!forceRefresh && isFresh(this.#current, now)) return this.#current.token;
    if (!this.#inflight) {
      this.#inflight = this.refresh(now)
        .then((token) => {
          this.#current = token;
          return token;
        })
        .finally(() => {
          this.#inflight = null;
        });
    }
    return (await this.#inflight).token;
  }

  /** A token Google just issued with the grant (at connect): no refresh needed for its lifetime. */
  seed(token: AccessToken): void {
    this.#current = token;
  }

  clear(): void {
    this.#current = null;
  }
}
