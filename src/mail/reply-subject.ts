// Any run of reply prefixes: "Re:", "RE :", "re[2]:", with or without spaces between them.
const REPLY_PREFIXES = /^(\s*re(\[\d+\])?\s*:)+\s*/i;

/** The subject of a reply (R13): exactly one "Re: " in front of the original subject. */
export function replySubject(subject: string): string {
  return `Re: ${subject.replace(REPLY_PREFIXES, "")}`;
}
