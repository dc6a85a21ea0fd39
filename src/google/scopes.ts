/** R1: what a grant must hold. `openid email` give the verified address; modify reads and labels; send sends. */
export const REQUIRED_SCOPES = [
  "openid",
  "email",
  "https://www.googleapis.com/auth/gmail.modify",
  "https://www.googleapis.com/auth/gmail.send",
] as const;

/** Google answers `email` in its long form in the token response; both spellings mean the same grant. */
const ALIASES: Record<string, string> = {
  "https://www.googleapis.com/auth/userinfo.email": "email",
};

/** Pure: the required scopes that a token response's space-separated `scope` lacks (R1). */
export function missingScopes(granted: string): string[] {
  const have = new Set(
    granted
      .split(/\s+/)
      .filter(Boolean)
      .map((s) => ALIASES[s] ?? s),
  );
  return REQUIRED_SCOPES.filter((scope) => !have.has(scope));
}
