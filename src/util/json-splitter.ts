/*
 * A JSON text split in one pass into its skeleton and a few chosen strings (issue 19: a send's attachments
 * arrive as base64 inside the JSON, and parsing the whole text held each one twice). The chosen strings'
 * characters go to a sink as they arrive; the skeleton is the rest of the text, each chosen string replaced by
 * the literal its sink gives back, so the native JSON.parse still judges the whole document: the skeleton is
 * valid JSON exactly when the text is (a string literal stands where a string literal stood).
 *
 * A state machine over bytes with constant state per nesting level, so time is linear in the text however it
 * is cut into chunks, and memory is the skeleton (the chosen strings are never held here).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
// `\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t`: the escape's letter → the character it stands for.
const SIMPLE_ESCAPES: Record<number, number> = { 34: 34, 92: 92, 47: 47, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9 };
/** What a `\u` escape outside ASCII hands on: U+FFFD's UTF-8. The sinks this serves (base64) want ASCII. */
const REPLACEMENT = Uint8Array.of(0xef, 0xbf, 0xbd);
/** Each ASCII character as a one-byte array, made once: an escape hands one on without allocating. */
const ESCAPED_BYTE = Array.from({ length: 0x80 }, (_, code) => Uint8Array.of(code));
/** Keys longer than this (raw, escapes included) never name a chosen string's path: they are not decoded. */
const MAX_KEY_BYTES = 256;
/**
 * Nesting tracked with a frame per level. Deeper values are only counted (a stranger's `[[[[…` must not cost a
 * frame per byte) and hold no chosen string: the paths this serves are a few levels deep.
 */
const MAX_TRACKED_DEPTH = 32;

export type JsonPath = readonly (string | number)[];

/** Where one chosen string's characters go. */
export interface StringSink {
  /** Characters, unescaped, as UTF-8: runs of plain ones are views of the caller's chunk, not copies. */
  text(bytes: Uint8Array): void;
  /** The string ended: the JSON string literal (quotes included) that stands for it in the skeleton. */
  end(): string;
}

/** The text is not JSON, found in a chosen string (elsewhere, parsing the skeleton finds it). */
export class JsonSplitError extends Error {
  override name = "JsonSplitError";
}

interface Frame {
  kind: "object" | "array" | "root";
  /** The key (object) or index (array) of the value being read or last read. */
  slot: string | number | null;
  expect: "key" | "colon" | "value" | "comma";
}

type InString = { role: "chosen"; sink: StringSink } | { role: "key"; raw: number[] | null } | { role: "other" };

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

export class JsonSplitter {
  readonly #choose: (path: JsonPath) => StringSink | null;
  readonly #frames: Frame[] = [{ kind: "root", slot: null, expect: "value" }];
  readonly #skeleton: Uint8Array[] = [];
  /** Levels open below MAX_TRACKED_DEPTH's deepest frame. */
  #untracked = 0;
  #string: InString | null = null;
  /** 0: none; 1: after a backslash; 2–5: reading the hex digits of a `\u` escape (chosen strings only). */
  #escape = 0;
  #code = 0;

  /** `choose` is asked at each string value with its path; a sink makes that string a chosen one. */
  constructor(choose: (path: JsonPath) => StringSink | null) {
    this.#choose = choose;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    let copyFrom = 0;
    while (i < chunk.length) {
      const string = this.#string;
      if (string?.role === "chosen") {
        if (copyFrom < i) this.#skeleton.push(chunk.slice(copyFrom, i));
        i = this.#chosen(chunk, i, string.sink);
        copyFrom = i;
      } else if (string !== null) {
        i = this.#skip(chunk, i, string);
      } else {
        const b = chunk[i] as number;
        if (b === QUOTE) {
          const opened = this.#open();
          if (opened.role === "chosen") {
            if (copyFrom < i) this.#skeleton.push(chunk.slice(copyFrom, i));
            copyFrom = i + 1;
          }
          this.#string = opened;
        } else this.#structure(b);
        i++;
      }
    }
    if (this.#string?.role !== "chosen" && copyFrom < chunk.length) this.#skeleton.push(chunk.slice(copyFrom));
  }

  /** The skeleton's text, once the whole text was pushed (decoded as a Request's text() is: UTF-8, BOM dropped). */
  end(): string {
    if (this.#string?.role === "chosen") throw new JsonSplitError("the text ended inside a string");
    const decoder = new TextDecoder();
    return (
      this.#skeleton.reduce((text, piece) => text + decoder.decode(piece, { stream: true }), "") + decoder.decode()
    );
  }

  /** A string opens here: which kind, from where the machine stands. */
  #open(): InString {
    if (this.#untracked > 0) return { role: "other" };
    const top = this.#frames[this.#frames.length - 1] as Frame;
    if (top.kind === "object" && top.expect === "key") return { role: "key", raw: [] };
    if (top.expect !== "value") return { role: "other" };
    top.expect = "comma";
    const sink = this.#choose(this.#path());
    return sink === null ? { role: "other" } : { role: "chosen", sink };
  }

  #path(): JsonPath {
    const path: (string | number)[] = [];
    for (let f = 1; f < this.#frames.length; f++) path.push((this.#frames[f] as Frame).slot ?? "");
    return path;
  }

  /** A byte outside strings. Bytes that are not JSON are only copied: parsing the skeleton refuses them. */
  #structure(b: number): void {
    if (isSpace(b)) return;
    if (this.#untracked > 0) {
      if (b === 0x7b || b === 0x5b) this.#untracked++;
      else if (b === 0x7d || b === 0x5d) this.#untracked--;
      return;
    }
    const top = this.#frames[this.#frames.length - 1] as Frame;
    switch (b) {
      case 0x7b:
      case 0x5b:
        if (top.expect === "value") top.expect = "comma";
        if (this.#frames.length > MAX_TRACKED_DEPTH) {
          this.#untracked = 1;
          return;
        }
        this.#frames.push(
          b === 0x7b ? { kind: "object", slot: null, expect: "key" } : { kind: "array", slot: 0, expect: "value" },
        );
        return;
      case 0x7d:
      case 0x5d:
        if (this.#frames.length > 1) this.#frames.pop();
        return;
      case 0x3a:
        if (top.expect === "colon") top.expect = "value";
        return;
      case 0x2c:
        if (top.kind === "object") top.expect = "key";
        else if (top.kind === "array") {
          top.slot = (top.slot as number) + 1;
          top.expect = "value";
        }
        return;
      default:
        // A number, true, false or null: the value is under way, whatever it turns out to be.
        if (top.expect === "value") top.expect = "comma";
    }
  }

  /** Inside a key or another string: copied (by push) up to its closing quote; a key is also decoded. */
  #skip(chunk: Uint8Array, from: number, string: Exclude<InString, { role: "chosen" }>): number {
    let i = from;
    for (; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (string.role === "key" && string.raw !== null) {
        if (string.raw.length < MAX_KEY_BYTES) string.raw.push(b);
        else string.raw = null;
      }
      if (this.#escape === 1) this.#escape = 0;
      else if (b === BACKSLASH) this.#escape = 1;
      else if (b === QUOTE) {
        if (string.role === "key") this.#keyRead(string.raw);
        this.#string = null;
        return i + 1;
      }
    }
    return i;
  }

  #keyRead(raw: number[] | null): void {
    const top = this.#frames[this.#frames.length - 1] as Frame;
    top.expect = "colon";
    top.slot = null;
    if (raw === null) return;
    raw.pop(); // the closing quote
    try {
      top.slot = JSON.parse(`"${new TextDecoder().decode(Uint8Array.from(raw))}"`) as string;
    } catch {
      // Not a JSON string: parsing the skeleton refuses the text.
    }
  }

  /**
   * Inside a chosen string: runs of plain characters go to the sink as views of the chunk; from the chunk's
   * first escape on, the rest is gathered in one array handed over at the string's or the chunk's end, so a
   * text of nothing but escapes costs one call per chunk, not one per character.
   */
  #chosen(chunk: Uint8Array, from: number, sink: StringSink): number {
    let i = from;
    let gathered: Uint8Array | null = null;
    let filled = 0;
    const hand = (bytes: Uint8Array) => {
      if (gathered === null) sink.text(bytes);
      else {
        gathered.set(bytes, filled);
        filled += bytes.length;
      }
    };
    const flush = () => {
      if (gathered !== null && filled > 0) sink.text(gathered.subarray(0, filled));
    };
    while (i < chunk.length) {
      if (this.#escape === 0) {
        let end = i;
        let b = chunk[end] as number;
        while (b !== QUOTE && b !== BACKSLASH && b >= 0x20) {
          if (++end === chunk.length) break;
          b = chunk[end] as number;
        }
        if (end > i) hand(chunk.subarray(i, end));
        i = end;
        if (i === chunk.length) break;
        if (b < 0x20) throw new JsonSplitError("a control character inside a string");
        i++;
        if (b === QUOTE) {
          flush();
          this.#skeleton.push(new TextEncoder().encode(sink.end()));
          this.#string = null;
          return i;
        }
        this.#escape = 1;
        continue;
      }
      const character = this.#escaped(chunk[i] as number);
      i++;
      if (character === null) continue;
      // What is left of the chunk unescapes to no more bytes than it has, plus this character's (at most 3).
      gathered ??= new Uint8Array(chunk.length - i + REPLACEMENT.length);
      hand(character);
    }
    flush();
    return i;
  }

  /** One byte of an escape: the character it completes (as UTF-8), or null while it is under way. */
  #escaped(b: number): Uint8Array | null {
    if (this.#escape === 1) {
      if (b === 0x75) {
        this.#escape = 2;
        this.#code = 0;
        return null;
      }
      const code = SIMPLE_ESCAPES[b];
      if (code === undefined) throw new JsonSplitError("an unknown escape inside a string");
      this.#escape = 0;
      return ESCAPED_BYTE[code] as Uint8Array;
    }
    const digit = hexValue(b);
    if (digit < 0) throw new JsonSplitError("a \\u escape without four hex digits");
    this.#code = this.#code * 16 + digit;
    if (++this.#escape < 6) return null;
    this.#escape = 0;
    return this.#code < 0x80 ? (ESCAPED_BYTE[this.#code] as Uint8Array) : REPLACEMENT;
  }
}
