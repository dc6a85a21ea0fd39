/**
 * Reading 11's hostile header values: for each parser a sender's text reaches, the input shape that made
 * a backtracking pattern (or an uncapped value) cost more than a linear pass; and issue 19's streamed JSON
 * send, whose body a client writes (util/json-splitter.ts with the send's base64 decoder). Shared by
 * test/unit/mail/reading-11-linear-parsers.test.ts (work ratio 10 KB → 100 KB) and bench/parsers.mjs (times).
 */
import { parseAuthenticationResults } from "../../src/bcc/authentication-results";
import { redact } from "../../src/log";
import { parseAddressList } from "../../src/mail/address";
import { angleIds, firstAngleId, parseDateHeader, subjectText } from "../../src/mail/header-values";
import { countMimeEntities } from "../../src/mail/mime-entities";
import { CanonicalBase64Decoder } from "../../src/mail/base64";
import { toGmailMessage } from "../../src/sync/gmail-message";
import { type JsonPath, JsonSplitter } from "../../src/util/json-splitter";

/** `unit` repeated to `bytes` characters. */
function repeat(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

const gmailWith = (name: string, value: string) => ({
  id: "m1",
  threadId: "t1",
  payload: { partId: "", mimeType: "text/plain", headers: [{ name, value }], body: { size: 0 } },
});

export interface AdversarialCase {
  name: string;
  /** Builds the hostile input of `bytes` characters once and answers the parse to time over it. */
  prepare(bytes: number): () => unknown;
}

/** `build(bytes)` made once (flattened), `parse` run over it at each call. */
function shape<T>(name: string, build: (bytes: number) => T, parse: (input: T) => unknown): AdversarialCase {
  return {
    name,
    prepare: (bytes) => {
      const input = build(bytes);
      if (typeof input === "string") void input.charCodeAt(input.length - 1);
      return () => parse(input);
    },
  };
}

const encoder = new TextEncoder();

/** The JSON send's one pass (stage-json.ts without the staging): attachment base64 decoded, the rest kept. */
function splitSend(text: Uint8Array): number {
  let decoded = 0;
  const splitter = new JsonSplitter((path: JsonPath) => {
    if (path.length !== 3 || path[0] !== "attachments" || path[2] !== "contentBase64") return null;
    const decoder = new CanonicalBase64Decoder();
    return {
      text: (bytes) => {
        decoded += decoder.push(bytes).length;
      },
      end: () => '""',
    };
  });
  splitter.push(text);
  return splitter.end().length + decoded;
}

export const ADVERSARIAL_CASES: AdversarialCase[] = [
  shape("Date: '( ' folded (parseDateHeader)", (n) => `Mon, 1 Jan 2026 ${repeat("( ", n)}`, parseDateHeader),
  shape("Date via Gmail headers (toGmailMessage)", (n) => gmailWith("Date", repeat("( ", n)), toGmailMessage),
  shape("References: '<a' (angleIds)", (n) => repeat("<a", n), angleIds),
  shape("Message-ID: spaces (firstAngleId)", (n) => `${repeat(" ", n)}x`, firstAngleId),
  shape("Subject: control characters (subjectText)", (n) => repeat("\r\n\u0000a", n), subjectText),
  shape("From: '\"<,' (parseAddressList)", (n) => repeat('"<,', n), parseAddressList),
  shape(
    "Authentication-Results: spaces (parse)",
    (n) => `mx.example; spf=pass smtp.mailfrom=a${repeat(" ", n)}b`,
    (v) => parseAuthenticationResults(v, false),
  ),
  shape(
    "Authentication-Results: '((' (parse)",
    (n) => `mx.example; ${repeat("(", n)}`,
    (v) => parseAuthenticationResults(v, true),
  ),
  shape(
    "Authentication-Results: '\"\\\\' (parse)",
    (n) => `mx.example; a=b c.d=${repeat('"\\', n)}`,
    (v) => parseAuthenticationResults(v, false),
  ),
  shape(
    "log redaction: 'eyJ' (redact)",
    (n) => ({ reason: repeat("eyJ", n) }),
    (v) => redact(v),
  ),
  shape(
    "log redaction: 'Bearer ' (redact)",
    (n) => ({ reason: repeat("Bearer ", n) }),
    (v) => redact(v),
  ),
  shape(
    "MIME: undeclared delimiter lines (countMimeEntities)",
    (n) => encoder.encode(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${repeat("--c\r\n", n)}`),
    countMimeEntities,
  ),
  shape("JSON send: nesting '[' (JsonSplitter)", (n) => encoder.encode(repeat("[", n)), splitSend),
  shape(
    "JSON send: base64 all \\u escapes (JsonSplitter)",
    (n) => encoder.encode(`{"attachments":[{"contentBase64":"${"\\u0041".repeat(Math.ceil(n / 6))}"}]}`),
    splitSend,
  ),
  shape(
    "JSON send: tiny attachments (JsonSplitter)",
    (n) => encoder.encode(`{"attachments":[${repeat('{"contentBase64":""},', n)}{}]}`),
    splitSend,
  ),
  shape("JSON send: one long key (JsonSplitter)", (n) => encoder.encode(`{"${repeat("k", n)}":1}`), splitSend),
  shape(
    "JSON send: escaped quotes in html (JsonSplitter)",
    (n) => encoder.encode(`{"html":"${repeat('\\"', n)}"}`),
    splitSend,
  ),
];
