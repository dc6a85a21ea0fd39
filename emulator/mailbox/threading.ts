import type { Mailbox } from "../state/types";

/** Subject as Gmail compares it for threading: reply/forward prefixes and case do not matter. */
export function normalizeSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^\s*(re|fw|fwd|aw|sv|wg)(\[\d+\])?\s*:\s*/i, "");
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, " ").toLowerCase();
}

/** The thread holding a message whose Message-ID is one of `referenced` and whose subject matches. */
export function findReferencedThread(mailbox: Mailbox, referenced: string[], subject: string): string | null {
  const wanted = normalizeSubject(subject);
  for (const id of [...referenced].reverse()) {
    for (const message of mailbox.messages.values()) {
      if (message.messageIdHeader === id && normalizeSubject(message.subject) === wanted) return message.threadId;
    }
  }
  return null;
}

/**
 * Gmail puts a sent message in the requested thread only when the References / In-Reply-To name a message of
 * that thread and the subject matches; otherwise the message starts a thread of its own.
 */
export function canJoinThread(mailbox: Mailbox, threadId: string, referenced: string[], subject: string): boolean {
  const ids = mailbox.threads.get(threadId);
  if (!ids) return false;
  const wanted = normalizeSubject(subject);
  return ids.some((id) => {
    const message = mailbox.messages.get(id);
    return (
      message !== undefined &&
      message.messageIdHeader !== null &&
      referenced.includes(message.messageIdHeader) &&
      normalizeSubject(message.subject) === wanted
    );
  });
}
