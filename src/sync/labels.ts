/** Gmail system labels whose messages never sync, whatever else they carry. */
const NEVER_SYNCED = new Set(["SPAM", "TRASH", "DRAFT", "CHAT"]);
/** A message is looked at only once Gmail puts it in one of these (RULES "Which emails sync"). */
const SYNCED = new Set(["INBOX", "SENT"]);

/** True when a message with these Gmail labels may sync at all. */
export function isSyncableLabels(labelIds: readonly string[]): boolean {
  if (labelIds.some((label) => NEVER_SYNCED.has(label))) return false;
  return labelIds.some((label) => SYNCED.has(label));
}
