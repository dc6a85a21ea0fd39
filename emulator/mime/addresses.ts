import { decodeHeaderValue } from "./headers";

export interface ParsedAddress {
  email: string;
  name: string;
}

/** Splits an address-list header on commas outside quotes and angle brackets. Group syntax is flattened. */
export function parseAddressList(raw: string | null): ParsedAddress[] {
  if (!raw) return [];
  const text = decodeHeaderValue(raw);
  const items: string[] = [];
  let current = "";
  let quoted = false;
  let angle = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === "<" && !quoted) angle = true;
    else if (ch === ">" && !quoted) angle = false;
    if ((ch === "," || ch === ";") && !quoted && !angle) {
      items.push(current);
      current = "";
    } else current += ch;
  }
  items.push(current);
  const out: ParsedAddress[] = [];
  for (const item of items) {
    const cleaned = item.replace(/^[^:<"]*:/, "").trim();
    const angled = /^(.*)<([^<>]+)>\s*$/.exec(cleaned);
    const email = (angled ? angled[2]! : cleaned).trim();
    if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(email)) continue;
    out.push({ email: email.toLowerCase(), name: angled ? angled[1]!.trim().replace(/^"|"$/g, "") : "" });
  }
  return out;
}
