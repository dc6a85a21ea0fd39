import type { Result } from "../util/result";

/**
 * Pure: docs/api.md's check of `returnTo`. An open redirect after OAuth would hand the user (and the
 * `gmail=` verdict) to anyone, so the origin must equal one allowed origin exactly: scheme, host, port.
 */
export function isAllowedReturnTo(returnTo: string, allowedOrigins: readonly string[]): boolean {
  if (!URL.canParse(returnTo)) return false;
  const url = new URL(returnTo);
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  if (url.username !== "" || url.password !== "") return false;
  return allowedOrigins.includes(url.origin);
}

/** The browser's way back: `returnTo` with `gmail=connected` or `gmail=error&reason=<code>` added. */
export function returnUrl(returnTo: string, outcome: Result<unknown, string>): string {
  const url = new URL(returnTo);
  url.searchParams.delete("gmail");
  url.searchParams.delete("reason");
  if (outcome.ok) url.searchParams.set("gmail", "connected");
  else {
    url.searchParams.set("gmail", "error");
    url.searchParams.set("reason", outcome.error);
  }
  return url.toString();
}
