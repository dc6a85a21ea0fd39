/*
 * R20: was the logged message authenticated at the receiving server? Pure: header fields in, verdict out.
 * Only the topmost Authentication-Results / ARC-Authentication-Results header of our own receiving
 * server's service id counts; any other such header was written by someone upstream, possibly the sender.
 */
import { capHeaderValue } from "../mail/header-values";
import { tokenize, type Token } from "./rfc8601-tokens";
import { err, ok, type Result } from "../util/result";

export interface HeaderField {
  /** Lower-case header name. */
  key: string;
  value: string;
}

export interface MethodResult {
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

export type SenderVerdict = Result<{ method: "dmarc" | "spf" | "dkim" }, string>;

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

/** RFC 8601 §2.2 `ptype`: a property under any other name is not one of ours to read. */
const PROPERTY_TYPES = new Set(["smtp", "header", "body", "policy"]);

/**
 * RFC 8601 `authserv-id [version]; method=result [reason=…] ptype.property=value …; …` (ARC's variant
 * starts with `i=N;`), read strictly: each `;`-separated result holds exactly one method, comments and
 * quoted strings are single units wherever they appear, and only `smtp|header|body|policy.<name>` keys
 * become properties. A result that does not fit the grammar is dropped whole. Null when the service id
 * is unreadable. The value is cut to MAX_HEADER_VALUE_CHARS first; the rest is one linear pass.
 */
export function parseAuthenticationResults(value: string, arc: boolean): AuthenticationResults | null {
  const cursor = { tokens: tokenize(capHeaderValue(value)), at: 0 };
  const peek = (offset = 0) => cursor.tokens[cursor.at + offset];
  if (arc && peek()?.text.toLowerCase() === "i" && peek(1)?.kind === "=") {
    if (peek(2)?.kind !== "word" || !/^\d+$/.test(peek(2)?.text ?? "") || peek(3)?.kind !== ";") return null;
    cursor.at += 4;
  }
  const id = peek();
  if (id === undefined || (id.kind !== "word" && id.kind !== "quoted") || peek(1)?.kind === "=") return null;
  cursor.at += 1;
  if (peek()?.kind === "word" && /^\d+$/.test(peek()?.text ?? "")) cursor.at += 1;
  const results: MethodResult[] = [];
  while (cursor.at < cursor.tokens.length) {
    // Right after the service id (and version) only ";" may follow; later, each result ends at one.
    if (peek()?.kind !== ";") break;
    cursor.at += 1;
    const end = nextSemicolon(cursor.tokens, cursor.at);
    const result = readResult(cursor.tokens.slice(cursor.at, end));
    if (result !== null) results.push(result);
    cursor.at = end;
  }
  return { authservId: id.text.toLowerCase(), results };
}

function nextSemicolon(tokens: readonly Token[], from: number): number {
  for (let i = from; i < tokens.length; i += 1) if (tokens[i]?.kind === ";") return i;
  return tokens.length;
}

/** One resinfo: `method[/version] = result [reason = value] (ptype.property = pvalue)*`, or null. */
function readResult(tokens: readonly Token[]): MethodResult | null {
  const [method, equals, result] = tokens;
  if (method?.kind !== "word" || equals?.kind !== "=" || (result?.kind !== "word" && result?.kind !== "quoted"))
    return null;
  const name = /^([a-z0-9_-]+)(?:\/\d+)?$/i.exec(method.text)?.[1];
  if (name === undefined) return null;
  const properties: Record<string, string> = {};
  let at = 3;
  while (at < tokens.length) {
    const key = tokens[at];
    if (key?.kind !== "word" || tokens[at + 1]?.kind !== "=") return null;
    const value = readValue(tokens, at + 2);
    if (value === null) return null;
    const lower = key.text.toLowerCase();
    const dot = lower.indexOf(".");
    at = value.end;
    if (lower === "reason") continue;
    // Anything but `ptype.property` (a second method=result, say) is not RFC 8601: the result is not read.
    if (dot <= 0 || !PROPERTY_TYPES.has(lower.slice(0, dot)) || dot === lower.length - 1) return null;
    if (lower in properties) return null; // Two values for one key: ambiguous.
    properties[lower] = value.text;
  }
  return { method: name.toLowerCase(), result: result.text.toLowerCase(), properties };
}

/**
 * A value: a word or quoted string, plus whatever touches it with no space between (`"a;b"@example.com`,
 * base64's trailing `=`). Null when there is none.
 */
function readValue(tokens: readonly Token[], from: number): { text: string; end: number } | null {
  const first = tokens[from];
  if (first === undefined || first.kind === ";") return null;
  let text = first.text;
  let end = from + 1;
  for (let t = tokens[end]; t !== undefined && !t.spaced && t.kind !== ";"; t = tokens[end]) {
    text += t.text;
    end += 1;
  }
  return { text, end };
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
    return err("No sender authentication results from the receiving server; the message cannot be trusted.");
  }
  const domain = fromDomain.toLowerCase();
  const of = (method: string) => results.results.filter((r) => r.method === method);
  // One DMARC and one SPF evaluation per message: a second one is not ours, so nothing here is trusted.
  if (of("dmarc").length > 1 || of("spf").length > 1) {
    return err("The receiving server's results name DMARC or SPF twice: the message cannot be trusted.");
  }
  if (of("dmarc").some((r) => r.result === "fail")) {
    return err(`DMARC failed for ${domain}: the From address may be forged.`);
  }
  const passed = (method: string) => of(method).filter((r) => r.result === "pass");
  if (passed("dmarc").some((r) => sameDomain(r.properties["header.from"], domain))) return ok({ method: "dmarc" });
  if (passed("spf").some((r) => aligned(domainPart(r.properties["smtp.mailfrom"]), domain)))
    return ok({ method: "spf" });
  const dkimDomain = (r: MethodResult) => r.properties["header.d"] ?? domainPart(r.properties["header.i"]);
  if (passed("dkim").some((r) => aligned(dkimDomain(r), domain))) return ok({ method: "dkim" });
  const seen = ["dmarc", "spf", "dkim"].map((m) => `${m}=${of(m)[0]?.result ?? "none"}`).join(", ");
  return err(`Sender authentication did not pass for ${domain} (${seen}).`);
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
