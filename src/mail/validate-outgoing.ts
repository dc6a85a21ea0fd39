import { isValidEmail } from "./address";
import { MAX_RECIPIENTS, type OutgoingMessage } from "./outgoing-message";
import { err, ok, type Result } from "../util/result";

export type OutgoingProblem =
  | "forbidden_character"
  | "invalid_address"
  | "no_recipient"
  | "too_many_recipients"
  | "invalid_content_type"
  | "invalid_filename"
  | "invalid_message_id"
  | "no_body";

/** What is wrong with an outgoing message, and where (`field` is its path, e.g. "attachments[0].filename"). */
export interface OutgoingRefusal {
  field: string;
  problem: OutgoingProblem;
  message: string;
}

export type OutgoingValidation = Result<null, OutgoingRefusal>;

// Header injection guard: CR, LF, NUL and every other C0 control but TAB, DEL, the C1 controls (NEL
// among them) and the Unicode line and paragraph separators. Each could end a header line somewhere.
const FORBIDDEN = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029]/;
// RFC 6838 restricted-name on both sides; parameters (";") are ours to write, never the caller's.
const CONTENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
// A msg-id: printable ASCII without angle brackets inside, in angle brackets, short enough for one line.
const MESSAGE_ID = /^<[\x21-\x3B\x3D\x3F-\x7E]{1,900}>$/;

/** Reading 14: an id the service may write into an outgoing header (as it writes its own). */
export function isOutgoingMessageId(id: string): boolean {
  return MESSAGE_ID.test(id);
}

/**
 * Checks an outgoing message before any byte is built (R13): no header value can carry a line break,
 * every address is a plain addr-spec, 1–100 recipients, a body, sane content types and message ids.
 * The first problem found is answered, naming the field ("to[2].email", "attachments[0].filename").
 */
export function validateOutgoingMessage(message: OutgoingMessage): OutgoingValidation {
  const headerValues: [string, string | null | undefined][] = [
    ["subject", message.subject],
    ["from.name", message.from.name],
    ["from.email", message.from.email],
    ...(["to", "cc", "bcc"] as const).flatMap((list) =>
      message[list].flatMap((a, i): [string, string | null][] => [
        [`${list}[${i}].name`, a.name],
        [`${list}[${i}].email`, a.email],
      ]),
    ),
    ...message.attachments.flatMap((a, i): [string, string][] => [
      [`attachments[${i}].filename`, a.filename],
      [`attachments[${i}].contentType`, a.contentType],
    ]),
    ["messageId", message.messageId],
    ["inReplyTo", message.inReplyTo],
    ...(message.references ?? []).map((id, i): [string, string] => [`references[${i}]`, id]),
  ];
  for (const [field, value] of headerValues) {
    if (typeof value === "string" && FORBIDDEN.test(value)) {
      return fail(field, "forbidden_character", `${field} contains a line break or control character`);
    }
  }
  return checkAddresses(message) ?? checkParts(message) ?? checkIds(message) ?? ok(null);
}

function checkAddresses(message: OutgoingMessage): OutgoingValidation | null {
  if (!isValidEmail(message.from.email))
    return fail("from.email", "invalid_address", "from is not a valid email address");
  for (const list of ["to", "cc", "bcc"] as const) {
    const bad = message[list].findIndex((a) => !isValidEmail(a.email));
    if (bad >= 0)
      return fail(`${list}[${bad}].email`, "invalid_address", `${list}[${bad}] is not a valid email address`);
  }
  if (message.to.length === 0) return fail("to", "no_recipient", "at least one To recipient is required");
  const total = message.to.length + message.cc.length + message.bcc.length;
  if (total > MAX_RECIPIENTS) {
    return fail(
      "recipients",
      "too_many_recipients",
      `at most ${MAX_RECIPIENTS} recipients (to, cc and bcc together), got ${total}`,
    );
  }
  return null;
}

function checkParts(message: OutgoingMessage): OutgoingValidation | null {
  if ((message.text ?? null) === null && (message.html ?? null) === null) {
    return fail("text", "no_body", "text or html is required");
  }
  for (const [i, attachment] of message.attachments.entries()) {
    if (!CONTENT_TYPE.test(attachment.contentType)) {
      return fail(
        `attachments[${i}].contentType`,
        "invalid_content_type",
        `attachments[${i}].contentType must be "type/subtype"`,
      );
    }
    const name = attachment.filename;
    if (name.trim() === "" || [...name].length > 255) {
      return fail(
        `attachments[${i}].filename`,
        "invalid_filename",
        `attachments[${i}].filename must be 1 to 255 characters`,
      );
    }
  }
  return null;
}

function checkIds(message: OutgoingMessage): OutgoingValidation | null {
  const ids: [string, string | null | undefined][] = [
    ["messageId", message.messageId],
    ["inReplyTo", message.inReplyTo],
    ...(message.references ?? []).map((id, i): [string, string] => [`references[${i}]`, id]),
  ];
  for (const [field, id] of ids) {
    if (id !== null && id !== undefined && !MESSAGE_ID.test(id)) {
      return fail(field, "invalid_message_id", `${field} must be a message id in angle brackets`);
    }
  }
  return null;
}

function fail(field: string, problem: OutgoingProblem, message: string): OutgoingValidation {
  return err({ field, problem, message });
}
