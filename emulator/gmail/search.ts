import { decodeHeaderValue, headerValue } from "../mime/headers";
import { bodyText } from "../mime/parse";
import type { StoredMessage } from "../state/types";

/** One term of Gmail's search syntax that the emulator understands. */
type Term = (m: StoredMessage) => boolean;

const IN_LABELS: Record<string, string> = {
  inbox: "INBOX",
  sent: "SENT",
  spam: "SPAM",
  trash: "TRASH",
  draft: "DRAFT",
  drafts: "DRAFT",
  chat: "CHAT",
  starred: "STARRED",
  important: "IMPORTANT",
};

/** after:/before: take seconds since the epoch or a YYYY/MM/DD date (read as UTC midnight here; Gmail uses PST). */
function parseDate(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

function header(m: StoredMessage, name: string): string {
  return decodeHeaderValue(headerValue(m.mime.headers, name) ?? "").toLowerCase();
}

function term(token: string): Term | { spamTrash: true; term: Term } {
  const colon = token.indexOf(":");
  const key = colon > 0 ? token.slice(0, colon).toLowerCase() : "";
  const value = colon > 0 ? token.slice(colon + 1).replace(/^"|"$/g, "") : token.replace(/^"|"$/g, "");
  const lower = value.toLowerCase();
  switch (key) {
    case "after":
    case "before": {
      const at = parseDate(value);
      if (at === null) return () => false;
      return key === "after" ? (m) => m.internalDate >= at : (m) => m.internalDate < at;
    }
    case "in":
      if (lower === "anywhere") return { spamTrash: true, term: () => true };
      return IN_LABELS[lower] === "SPAM" || IN_LABELS[lower] === "TRASH"
        ? { spamTrash: true, term: (m) => m.labelIds.includes(IN_LABELS[lower]!) }
        : (m) => m.labelIds.includes(IN_LABELS[lower] ?? lower.toUpperCase());
    case "label":
      return (m) => m.labelIds.some((l) => l.toLowerCase() === lower);
    case "is":
      if (lower === "unread") return (m) => m.labelIds.includes("UNREAD");
      if (lower === "read") return (m) => !m.labelIds.includes("UNREAD");
      return (m) => m.labelIds.includes(lower.toUpperCase());
    case "rfc822msgid": {
      const wanted = value.replace(/^<|>$/g, "");
      return (m) => m.messageIdHeader === `<${wanted}>`;
    }
    case "from":
    case "to":
    case "cc":
    case "bcc":
      return (m) => header(m, key).includes(lower);
    case "subject":
      return (m) => m.subject.toLowerCase().includes(lower);
    case "has":
      return lower === "attachment"
        ? (m) => /filename/i.test(JSON.stringify(m.mime.headers)) || m.mime.parts.some((p) => p.filename !== "")
        : () => false;
    default:
      return (m) =>
        `${m.subject} ${header(m, "from")} ${header(m, "to")} ${bodyText(m.mime)}`.toLowerCase().includes(lower);
  }
}

export interface Search {
  matches: (m: StoredMessage) => boolean;
  /** in:spam, in:trash and in:anywhere lift the default exclusion of SPAM and TRASH. */
  includesSpamTrash: boolean;
}

/** Parses the subset of Gmail's search box syntax that sync code uses; all terms must hold (AND). */
export function parseSearch(q: string): Search {
  const tokens = q.match(/(?:[^\s"]+:)?"[^"]*"|\S+/g) ?? [];
  const terms: Term[] = [];
  let includesSpamTrash = false;
  for (const token of tokens) {
    const negated = token.startsWith("-");
    const t = term(negated ? token.slice(1) : token);
    const fn = typeof t === "function" ? t : t.term;
    if (typeof t !== "function") includesSpamTrash = true;
    terms.push(negated ? (m) => !fn(m) : fn);
  }
  return { matches: (m) => terms.every((t) => t(m)), includesSpamTrash };
}
