/**
 * One structured logger. Values whose key names a secret are replaced before anything is written, and
 * strings that look like bearer tokens or JWTs are masked: tokens must never reach the logs.
 */
type Level = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const SECRET_KEY = /token|secret|authorization|password|code_verifier|verifier|^code$|cookie|key$/i;
/** Maximal runs of token characters: nothing follows the class, so no match ever backtracks. */
const TOKEN_RUN = /[\w.-]+/g;
// "\s+" and the class after it share no character: one way to match, linear however many spaces.
const BEARER = /Bearer\s+[^\s"]+/gi;
/** Logged strings are cut first: a sender's header must not make a log line (or its redaction) costly. */
const MAX_LOGGED_CHARS = 4_096;

export function redact(value: unknown, key = ""): unknown {
  if (key && SECRET_KEY.test(key)) return "[redacted]";
  if (typeof value === "string") return redactText(value);
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

function redactText(value: string): string {
  const cut = value.length > MAX_LOGGED_CHARS ? `${value.slice(0, MAX_LOGGED_CHARS)}…[cut]` : value;
  return cut.replace(TOKEN_RUN, maskJwts).replace(BEARER, "Bearer [redacted]");
}

/**
 * Every `eyJ<a>.<b>[.<c>]` inside one run of token characters becomes `[jwt]`. Index searches only, and the
 * search never goes back before a dot it has passed, so a run costs one pass however many "eyJ" it holds.
 */
function maskJwts(run: string): string {
  let out = "";
  let from = 0;
  for (;;) {
    const start = run.indexOf("eyJ", from);
    const dot1 = start < 0 ? -1 : run.indexOf(".", start);
    if (dot1 < 0) break;
    const dot2 = run.indexOf(".", dot1 + 1);
    if (dot1 - start <= 3 || dot2 <= dot1 + 1) {
      out += run.slice(from, dot1 + 1);
      from = dot1 + 1;
      continue;
    }
    const dot3 = run.indexOf(".", dot2 + 1);
    const end = dot3 < 0 ? run.length : dot3;
    out += `${run.slice(from, start)}[jwt]`;
    from = end;
  }
  return out + run.slice(from);
}

function write(level: Level, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, ...(redact(fields) as LogFields) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const log = {
  debug: (event: string, fields?: LogFields) => write("debug", event, fields),
  info: (event: string, fields?: LogFields) => write("info", event, fields),
  warn: (event: string, fields?: LogFields) => write("warn", event, fields),
  error: (event: string, fields?: LogFields) => write("error", event, fields),
};
