/*
 * One string field of a JSON object, streamed out of the object's text without parsing the rest into
 * memory (reading 12: users.messages.attachments.get answers `{"attachmentId","size","data"}` where `data`
 * is the whole attachment as base64url). A state machine over bytes: one pass, constant state, so time and
 * memory are linear in the input however it is cut into chunks. Only the outer object's field counts; nested
 * values and other strings are skipped with their escapes. The field is meant to carry ASCII (base64url):
 * its raw bytes pass through, a `\u` escape passes when it names an ASCII character and is dropped otherwise.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SIMPLE_ESCAPES: Record<number, number> = { 98: 8, 102: 12, 110: 10, 114: 13, 116: 9 };

/** Where the machine stands in the outer object; `done` once the field was read (or the text is not one). */
type Position = "before" | "key" | "colon" | "value" | "scalar" | "nested" | "after" | "done";

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : Number.NaN;
}

class JsonStringField {
  #position: Position = "before";
  #string: "key" | "skip" | "field" | null = null;
  /** 0: none; 1: after a backslash; 2–5: reading the hex digits of a `\u` escape. */
  #escape = 0;
  #code = 0;
  #nesting = 0;
  #keyAt = 0;
  #keyMatches = false;
  #isField = false;

  constructor(private readonly name: Uint8Array) {}

  /**
   * Hands `emit` the field's bytes that `chunk` holds (none before the field, none after it): runs of plain
   * characters as views of `chunk` itself, no copy, so the bulk of an attachment is never duplicated here.
   */
  push(chunk: Uint8Array, emit: (bytes: Uint8Array) => void): void {
    let i = 0;
    while (i < chunk.length && this.#position !== "done") {
      if (this.#string === "field" && this.#escape === 0) {
        let end = i;
        while (end < chunk.length && chunk[end] !== QUOTE && chunk[end] !== BACKSLASH) end++;
        if (end > i) emit(chunk.subarray(i, end));
        i = end;
        if (i === chunk.length) break;
      }
      const byte = this.#string === null ? this.#structure(chunk[i] as number) : this.#inString(chunk[i] as number);
      if (byte >= 0) emit(Uint8Array.of(byte));
      i++;
    }
  }

  /** The text ended: an unfinished field means a cut answer, which must not pass for a whole one. */
  end(): void {
    if (this.#string === "field") throw new Error("the JSON text ended inside the field");
  }

  #structure(b: number): number {
    if (isSpace(b) && this.#position !== "scalar" && this.#position !== "nested") return -1;
    switch (this.#position) {
      case "before":
        this.#position = b === 0x7b ? "key" : "done";
        break;
      case "key":
        if (b === QUOTE) this.#open("key", "colon");
        else this.#position = "done";
        break;
      case "colon":
        this.#position = b === 0x3a ? "value" : "done";
        break;
      case "value":
        if (b === QUOTE) this.#open(this.#isField ? "field" : "skip", "after");
        else if (b === 0x7b || b === 0x5b) {
          this.#nesting = 1;
          this.#position = "nested";
        } else this.#position = "scalar";
        break;
      case "scalar":
      case "after":
        if (b === 0x2c) this.#position = "key";
        else if (b === 0x7d) this.#position = "done";
        else if (isSpace(b)) this.#position = "after";
        else if (this.#position === "after") this.#position = "done";
        break;
      case "nested":
        if (b === QUOTE) this.#string = "skip";
        else if (b === 0x7b || b === 0x5b) this.#nesting++;
        else if ((b === 0x7d || b === 0x5d) && --this.#nesting === 0) this.#position = "after";
        break;
    }
    return -1;
  }

  #open(kind: "key" | "skip" | "field", next: Position): void {
    this.#string = kind;
    this.#position = next;
    this.#keyAt = 0;
    this.#keyMatches = kind === "key";
  }

  #inString(b: number): number {
    if (this.#escape === 0) {
      if (b === BACKSLASH) this.#escape = 1;
      else if (b === QUOTE) this.#close();
      else return this.#character(b);
      return -1;
    }
    if (this.#escape === 1) {
      if (b === 0x75) {
        this.#escape = 2;
        this.#code = 0;
        return -1;
      }
      this.#escape = 0;
      return this.#character(SIMPLE_ESCAPES[b] ?? b);
    }
    this.#code = this.#code * 16 + hexValue(b);
    if (++this.#escape < 6) return -1;
    this.#escape = 0;
    return this.#character(this.#code);
  }

  #character(code: number): number {
    if (this.#string === "field") return code < 0x80 ? code : -1;
    if (this.#string === "key") {
      this.#keyMatches &&= this.#keyAt < this.name.length && this.name[this.#keyAt] === code;
      this.#keyAt++;
    }
    return -1;
  }

  #close(): void {
    if (this.#string === "key") this.#isField = this.#keyMatches && this.#keyAt === this.name.length;
    if (this.#string === "field") this.#position = "done";
    this.#string = null;
  }
}

/**
 * A TransformStream of a JSON object's text (UTF-8 bytes) into the bytes of its string field `name`: empty
 * when the field is missing or not a string; an error when the text ends inside it (a cut answer).
 */
export function jsonStringFieldStream(name: string): TransformStream<Uint8Array, Uint8Array> {
  const field = new JsonStringField(new TextEncoder().encode(name));
  return new TransformStream({
    transform(chunk, controller) {
      field.push(chunk, (bytes) => controller.enqueue(bytes));
    },
    flush() {
      field.end();
    },
  });
}
