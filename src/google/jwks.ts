import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { fetchText } from "../gmail/deadline";

/**
 * Google's signing keys (ID tokens here, Pub/Sub push tokens in the webhook), one cached set per
 * isolate and URL. The set is kept as long as Google's Cache-Control allows and fetched again when a
 * token names a key we do not hold: Google rotates keys and publishes the new one before using it.
 */
const DEFAULT_MAX_AGE_MS = 60 * 60 * 1000;
const MAX_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** An unknown `kid` is attacker-controlled: at most one extra fetch per second, so tokens cannot hammer Google. */
const UNKNOWN_KID_REFETCH_MS = 1000;

interface CachedSet {
  resolve: ReturnType<typeof createLocalJWKSet>;
  kids: Set<string>;
  fetchedAt: number;
  expiresAt: number;
}

interface Entry {
  cached?: CachedSet;
  inflight?: Promise<CachedSet>;
  /** When a token's unknown kid last made us fetch: that is what the cooldown limits, not ordinary fetches. */
  unknownKidFetchAt?: number;
}

const entries = new Map<string, Entry>();

/** Pure: how long a certs answer may be kept, from its Cache-Control (max-age), within sane bounds. */
export function maxAgeMs(cacheControl: string | null): number {
  const value = cacheControl ?? "";
  if (/no-store|no-cache/i.test(value)) return 0;
  const match = /(?:^|,)\s*max-age=(\d+)/i.exec(value);
  return match?.[1] ? Math.min(Number(match[1]) * 1000, MAX_MAX_AGE_MS) : DEFAULT_MAX_AGE_MS;
}

/** A certs fetch past its deadline throws: the token is refused for now (a push is retried by Pub/Sub). */
async function fetchSet(url: string, timeoutMs: number): Promise<CachedSet> {
  const response = await fetchText(url, { headers: { accept: "application/json" } }, timeoutMs);
  if (!response.ok) throw new joseErrors.JWKSInvalid(`certs answered ${response.status}`);
  const jwks = JSON.parse(response.text) as JSONWebKeySet;
  if (!jwks || !Array.isArray(jwks.keys)) throw new joseErrors.JWKSInvalid("certs answer has no keys");
  const fetchedAt = Date.now();
  return {
    resolve: createLocalJWKSet(jwks),
    kids: new Set(jwks.keys.map((k) => k.kid).filter((k): k is string => typeof k === "string")),
    fetchedAt,
    expiresAt: fetchedAt + maxAgeMs(response.headers.get("cache-control")),
  };
}

/** One fetch in flight per URL: a burst of tokens after expiry costs Google one request. */
function refetch(url: string, entry: Entry, timeoutMs: number): Promise<CachedSet> {
  entry.inflight ??= fetchSet(url, timeoutMs)
    .then((set) => {
      entry.cached = set;
      return set;
    })
    .finally(() => {
      entry.inflight = undefined;
    });
  return entry.inflight;
}

/** A jose key resolver over the cached set at `url`, for jwtVerify; a fetch of the set waits `timeoutMs` at most. */
export function googleKeySet(url: string, timeoutMs: number): JWTVerifyGetKey {
  return async (header, token) => {
    let entry = entries.get(url);
    if (!entry) {
      entry = {};
      entries.set(url, entry);
    }
    let set = entry.cached && entry.cached.expiresAt > Date.now() ? entry.cached : await refetch(url, entry, timeoutMs);
    const kid = header.kid;
    const cooledDown = Date.now() - (entry.unknownKidFetchAt ?? 0) >= UNKNOWN_KID_REFETCH_MS;
    if (kid !== undefined && !set.kids.has(kid) && cooledDown) {
      entry.unknownKidFetchAt = Date.now();
      set = await refetch(url, entry, timeoutMs);
    }
    return set.resolve(header, token);
  };
}
