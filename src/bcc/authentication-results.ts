/*
 * R20: was the logged message authenticated at the receiving server? Pure: header fields in, verdict out.
 * Only the topmost Authentication-Results / ARC-Authentication-Results header of our own receiving
 * server's service id counts; any other such header was written by someone upstream, possibly the sender.
 */

export interface HeaderField {
  /** Lower-case header name. */
  key: string;
  value: string;
}

interface MethodResult {
  /** Lower-case method (`dmarc`, `spf`, `dkim`, …) and result (`pass`, `fail`, …). */
  method: string;
  result: string;
  /** Lower-case property names (`header.from`, `smtp.mailfrom`, `header.d`, …) → value as written. */
  properties: Record<string, string>;
}

export interface AuthenticationResults {
  authservId: string;
  results: MethodResult[];
}

export type SenderVerdict = { ok: true; method: "dmarc" | "spf" | "dkim" } | { ok: false; reason: string };

const RESULT_HEADERS = new Set(["authentication-results", "arc-authentication-results"]);

/** The topmost result header of `authservId`, parsed; null when there is none. */
export function findTrustedResults(headers: readonly HeaderField[], authservId: string): AuthenticationResults | null {
  const wanted = authservId.toLowerCase();
  for (const header of headers) {
    if (!RESULT_HEADERS.has(header.key)) continue;
    const parsed = parseAuthenticationResults(header.value, header.key === "arc-authentication-results");
    if (parsed?.authservId === wanted) return parsed;
  }
  return null;
}

/**
 * RFC 8601 `authserv-id [version]; method=result prop=value …; …` (ARC's variant starts with `i=N;`).
 * Comments are dropped, quoted values unquoted. Null when not even the service id is readable.
 */
export function parseAuthenticationResults(value: string, arc: boolean): AuthenticationResults | null {
  const segments = splitOutsideQuotes(stripComments(value).replace(/\s*=\s*/g, "="), ";").map((s) => s.trim());
  if (arc && /^i\s*=\s*\d+$/i.test(segments[0] ?? "")) segments.shift();
  const authservId = (segments.shift() ?? "").split(/\s+/)[0]?.toLowerCase() ?? "";
  if (authservId === "" || authservId.includes("=")) return null;
  const results: MethodResult[] = [];
  for (const segment of segments) {
    const [first, ...rest] = splitOutsideQuotes(segment, " ").filter((t) => t !== "");
    const assignment = first === undefined ? null : /^([a-z0-9_.-]+)(?:\/\d+)?=(.+)$/i.exec(first);
    if (!assignment) continue;
    const properties: Record<string, string> = {};
    for (const token of rest) {
      const eq = token.indexOf("=");
      if (eq > 0) properties[token.slice(0, eq).toLowerCase()] = unquote(token.slice(eq + 1));
    }
    results.push({ method: (assignment[1] ?? "").toLowerCase(), result: unquote(assignment[2] ?? "").toLowerCase(), properties });
  }
  return { authservId, results };
}

/**
 * R20's rule. `dmarc=fail` refuses whatever else passed. Otherwise one of these suffices:
 * `dmarc=pass` whose header.from is the From domain; `spf=pass` whose smtp.mailfrom domain, or `dkim=pass`
 * whose header.d (else header.i) domain, is the From domain or a subdomain of it. A subdomain is under
 * the From domain owner's control; a parent or sibling domain is not accepted here (we have no public
 * suffix list to find organisational domains), and DMARC's own relaxed alignment still passes such mail.
 */
export function decideSenderAuthentication(results: AuthenticationResults | null, fromDomain: string): SenderVerdict {
  if (results === null) {
    return { ok: false, reason: "No sender authentication results from the receiving server; the message cannot be trusted." };
  }
  const domain = fromDomain.toLowerCase();
  const of = (method: string) => results.results.filter((r) => r.method === method);
  if (of("dmarc").some((r) => r.result === "fail")) {
    return { ok: false, reason: `DMARC failed for ${domain}: the From address may be forged.` };
  }
  const passed = (method: string) => of(method).filter((r) => r.result === "pass");
  if (passed("dmarc").some((r) => sameDomain(r.properties["header.from"], domain))) return { ok: true, method: "dmarc" };
  if (passed("spf").some((r) => aligned(domainPart(r.properties["smtp.mailfrom"]), domain))) return { ok: true, method: "spf" };
  const dkimDomain = (r: MethodResult) => r.properties["header.d"] ?? domainPart(r.properties["header.i"]);
  if (passed("dkim").some((r) => aligned(dkimDomain(r), domain))) return { ok: true, method: "dkim" };
  const seen = ["dmarc", "spf", "dkim"].map((m) => `${m}=${of(m)[0]?.result ?? "none"}`).join(", ");
  return { ok: false, reason: `Sender authentication did not pass for ${domain} (${seen}).` };
}

function sameDomain(candidate: string | undefined, domain: string): boolean {
  return candidate !== undefined && candidate.toLowerCase().replace(/\.$/, "") === domain;
}

function aligned(candidate: string | undefined, domain: string): boolean {
  if (candidate === undefined) return false;
  const d = candidate.toLowerCase().replace(/\.$/, "");
  return d === domain || d.endsWith(`.${domain}`);
}

/** `user@example.com` or `example.com` → `example.com`. */
function domainPart(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const at = value.lastIndexOf("@");
  return at >= 0 ? value.slice(at + 1) : value;
}

/** Drops RFC 5322 comments, nested ones included, leaving quoted strings intact. */
function stripComments(value: string): string {
  let out = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\" && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? "");
      i++;
    } else if (depth === 0 && c === '"') {
      quoted = !quoted;
      out += c;
    } else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")" && depth > 0) depth--;
    else if (depth === 0) out += c === "\t" || c === "\r" || c === "\n" ? " " : c;
  }
  return out;
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? "";
    if (c === '"' && value[i - 1] !== "\\") quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, "$1") : value;
}
