/**
 * Reading 11's hostile header values: for each parser a sender's text reaches, the input shape that made
 * a backtracking pattern (or an uncapped value) cost more than a linear pass. Shared by
 * test/unit/mail/reading-11-linear-parsers.test.ts (work ratio 10 KB → 100 KB) and bench/parsers.mjs (times).
 */
import { parseAuthenticationResults } from "../../src/bcc/authentication-results";
import { redact } from "../../src/log";
import { parseAddressList } from "../../src/mail/address";
import { angleIds, firstAngleId, parseDateHeader, subjectText } from "../../src/mail/header-values";
import { countMimeEntities } from "../../src/mail/mime-entities";
import { toGmailMessage } from "../../src/sync/gmail-message";

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
];
