import type { MiddlewareHandler } from "hono";
import { hasAnyScope } from "../oauth/scopes";
import { findAccount, type EmulatorState } from "../state/store";
import type { AccessToken, Account, Fault } from "../state/types";
import { sleep } from "../util/sleep";
import { errors } from "./errors";
import { METHODS, type MethodName } from "./methods";
import { parseQuery, type QueryValues } from "./params";
import { spendQuota } from "./quota";

export interface GmailCall {
  method: MethodName;
  account: Account;
  token: AccessToken;
  query: QueryValues;
  /** Only gmail.metadata among the read scopes: no `q`, no full or raw bodies. */
  metadataOnly: boolean;
}

export type GmailEnv = { Variables: { call: GmailCall } };

const METADATA = "https://www.googleapis.com/auth/gmail.metadata";

function bearer(request: Request, url: URL): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1] ?? url.searchParams.get("access_token") ?? url.searchParams.get("oauth_token");
}

export function takeFault(account: Account, method: string): Fault | null {
  const fault = account.faults.find((f) => (f.method === method || f.method === "*") && f.remaining > 0) ?? null;
  if (fault) {
    fault.remaining -= 1;
    account.faults = account.faults.filter((f) => f.remaining > 0);
  }
  return fault;
}

async function faultResponse(fault: Fault, signal: AbortSignal): Promise<Response> {
  if ("hangMs" in fault.kind) {
    await sleep(fault.kind.hangMs, signal);
    return errors.unavailable();
  }
  switch (fault.kind.status) {
    case 500:
      return errors.backendError();
    case 503:
      return errors.unavailable();
    case 429:
      return errors.rateLimited();
    case 403:
      return fault.kind.reason === "domainPolicy" ? errors.domainPolicy() : errors.userRateLimited();
    case 401:
      return errors.unauthenticated();
  }
}

/**
 * What Google checks before a Gmail method runs, in its order: a live access token for this user, the scope,
 * the query parameters, then the mailbox's per-minute quota. Injected faults come last, like backend failures.
 */
export function gmailCall(state: EmulatorState, method: MethodName): MiddlewareHandler<GmailEnv> {
  const spec = METHODS[method];
  return async (c, next) => {
    const url = new URL(c.req.url);
    const tokenText = bearer(c.req.raw, url);
    if (!tokenText) return errors.loginRequired();
    const token = state.accessTokens.get(tokenText);
    const account = token ? findAccount(state, token.email) : null;
    if (!token || !account || state.clock.of(account) >= token.expiresAt) return errors.unauthenticated();
    const userId = c.req.param("userId") ?? "me";
    if (userId !== "me" && userId.toLowerCase() !== account.email) return errors.delegationDenied(userId);
    if (!hasAnyScope(token.scopes, spec.scopes)) return errors.insufficientScope();
    const parsed = parseQuery(spec, url);
    if (!parsed.ok) return parsed.response;

    const counters = account.counters;
    counters.requests[method] = (counters.requests[method] ?? 0) + 1;
    counters.totalRequests += 1;
    const limit = account.quotaPerMinute ?? state.options.quotaPerMinute;
    const spent = spendQuota(
      account.quotaSpent,
      state.clock.of(account),
      spec.cost,
      limit,
      account.quotaBurstSeconds ?? state.options.quotaBurstSeconds,
    );
    account.quotaSpent = spent.spent;
    if (!spent.ok) {
      counters.rateLimited += 1;
      return errors.rateLimited();
    }
    counters.units[method] = (counters.units[method] ?? 0) + spec.cost;
    counters.totalUnits += spec.cost;

    const fault = takeFault(account, method);
    if (fault) return faultResponse(fault, c.req.raw.signal);

    const readScopes = spec.scopes.filter((s) => s !== METADATA);
    c.set("call", {
      method,
      account,
      token,
      query: parsed.values,
      metadataOnly: !hasAnyScope(token.scopes, readScopes),
    });
    await next();
  };
}
