import type { gmail_v1 } from "@googleapis/gmail";

/** Where a message must be to be looked at (RULES "Which emails sync"): added there, or moved there later. */
const WATCHED_LABELS = ["INBOX", "SENT"];

export interface HistoryPageFold {
  /** Message ids to look at, in the order history first reports them, without duplicates. */
  added: string[];
  /** Ids permanently deleted within the page after being reported: fetching them would only 404. */
  deleted: string[];
}

/**
 * One page of `history.list` → the messages to look at. A record counts when it adds a message whose
 * labels include INBOX or SENT (or are unknown), or adds INBOX or SENT to a message (out of Spam, back
 * from the archive). Removals change nothing already synced; the message's labels at fetch time decide.
 */
export function foldHistoryPage(records: readonly gmail_v1.Schema$History[]): HistoryPageFold {
  const added = new Set<string>();
  const deleted = new Set<string>();
  for (const record of records) {
    for (const entry of record.messagesAdded ?? []) {
      const id = entry.message?.id;
      if (id && addedWhereWatched(entry.message?.labelIds)) mark(id, added, deleted);
    }
    for (const entry of record.labelsAdded ?? []) {
      const id = entry.message?.id;
      if (id && (entry.labelIds ?? []).some((l) => WATCHED_LABELS.includes(l))) mark(id, added, deleted);
    }
    for (const entry of record.messagesDeleted ?? []) {
      const id = entry.message?.id;
      if (!id) continue;
      added.delete(id);
      deleted.add(id);
    }
  }
  return { added: [...added], deleted: [...deleted] };
}

function mark(id: string, added: Set<string>, deleted: Set<string>): void {
  deleted.delete(id);
  added.add(id);
}

function addedWhereWatched(labelIds: readonly string[] | null | undefined): boolean {
  if (labelIds === null || labelIds === undefined || labelIds.length === 0) return true;
  // Added outside INBOX and SENT (a draft, spam, a filter that archives): a later labelsAdded brings it in.
  return labelIds.some((l) => WATCHED_LABELS.includes(l));
}

/**
 * The cursor after a complete read of history: the mailbox's history id that the last page reports.
 * Never below the starting cursor (ids only grow; an odd answer must not move the sync backwards).
 */
export function nextCursor(startHistoryId: string, lastPageHistoryId: string | null | undefined): string {
  if (!lastPageHistoryId || !/^\d+$/.test(lastPageHistoryId)) return startHistoryId;
  return compareHistoryIds(lastPageHistoryId, startHistoryId) > 0 ? lastPageHistoryId : startHistoryId;
}

/** History ids are unsigned 64-bit decimals: compared as BigInt, never as floats. */
export function compareHistoryIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x > y ? 1 : -1;
}
