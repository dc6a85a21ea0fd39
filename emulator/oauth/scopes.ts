/** Google's scope names: the short OpenID ones map to their userinfo URLs in grants, as Google reports them. */

const GMAIL = "https://www.googleapis.com/auth/gmail.";
export const USERINFO_EMAIL = "https://www.googleapis.com/auth/userinfo.email";
export const USERINFO_PROFILE = "https://www.googleapis.com/auth/userinfo.profile";

const KNOWN = new Set([
  "openid",
  USERINFO_EMAIL,
  USERINFO_PROFILE,
  "https://mail.google.com/",
  ...[
    "readonly",
    "modify",
    "compose",
    "send",
    "insert",
    "labels",
    "metadata",
    "settings.basic",
    "settings.sharing",
    "addons.current.action.compose",
  ].map((s) => GMAIL + s),
]);

/** Scopes the consent screen never lets a user untick. */
const BASIC = new Set(["openid", USERINFO_EMAIL, USERINFO_PROFILE]);

export function normalizeScope(scope: string): string {
  if (scope === "email") return USERINFO_EMAIL;
  if (scope === "profile") return USERINFO_PROFILE;
  return scope;
}

/** Parses a space-separated scope list; returns the unknown ones apart. */
export function parseScopes(value: string): { scopes: string[]; invalid: string[] } {
  const scopes: string[] = [];
  const invalid: string[] = [];
  for (const raw of value.split(/[\s+]+/).filter(Boolean)) {
    const scope = normalizeScope(raw);
    if (!KNOWN.has(scope)) invalid.push(raw);
    else if (!scopes.includes(scope)) scopes.push(scope);
  }
  return { scopes, invalid };
}

export function isBasicScope(scope: string): boolean {
  return BASIC.has(scope);
}

/** What the user ends up granting: the basic scopes always, the others only if left ticked. */
export function grantedScopes(requested: string[], ticked: string[] | undefined): string[] {
  if (!ticked) return requested;
  const wanted = new Set(ticked.map(normalizeScope));
  return requested.filter((s) => isBasicScope(s) || wanted.has(s));
}

/** True when any of the method's accepted scopes was granted. */
export function hasAnyScope(granted: string[], accepted: readonly string[]): boolean {
  return accepted.some((s) => granted.includes(s));
}
