/*
 * The lexical layer of RFC 8601 (Authentication-Results) over RFC 5322's CFWS: words, quoted strings and
 * the specials ";" "=" ".", with comments skipped. One left-to-right pass with no pattern: a value of any
 * length costs one step per character (reading 11), and a quoted string or a comment, which may hold text
 * the sender wrote (a MAIL FROM local part), always ends where RFC 5322 says it ends.
 */

export interface Token {
  kind: "word" | "quoted" | ";" | "=";
  text: string;
  /** Whitespace or a comment came right before it: a property value ends there. */
  spaced: boolean;
}

const SPECIALS = new Set([";", "=", '"', "(", ")"]);

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

export function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = false;
  while (i < value.length) {
    const c = value[i] ?? "";
    if (isSpace(c)) {
      spaced = true;
      i += 1;
    } else if (c === "(") {
      i = skipComment(value, i);
      spaced = true;
    } else if (c === '"') {
      const quoted = readQuoted(value, i);
      tokens.push({ kind: "quoted", text: quoted.text, spaced });
      i = quoted.end;
      spaced = false;
    } else if (c === ";" || c === "=") {
      tokens.push({ kind: c, text: c, spaced });
      i += 1;
      spaced = false;
    } else if (c === ")") {
      i += 1; // A stray closing parenthesis: no comment is open, it is dropped.
      spaced = true;
    } else {
      let end = i;
      while (end < value.length && !isSpace(value[end] ?? "") && !SPECIALS.has(value[end] ?? "")) end += 1;
      tokens.push({ kind: "word", text: value.slice(i, end), spaced });
      i = end;
      spaced = false;
    }
  }
  return tokens;
}

/** From the "(" at `start` to just past its matching ")" (nesting and quoted-pairs honoured), or the end. */
function skipComment(value: string, start: number): number {
  let depth = 0;
  for (let i = start; i < value.length; i += 1) {
    const c = value[i];
    if (c === "\\") i += 1;
    else if (c === "(") depth += 1;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return value.length;
}

/** The content of the quoted string at `start` (quoted-pairs unescaped) and the index just past it. */
function readQuoted(value: string, start: number): { text: string; end: number } {
  let text = "";
  for (let i = start + 1; i < value.length; i += 1) {
    const c = value[i] ?? "";
    if (c === "\\") {
      text += value[i + 1] ?? "";
      i += 1;
    } else if (c === '"') return { text, end: i + 1 };
    else text += c;
  }
  return { text, end: value.length };
}
