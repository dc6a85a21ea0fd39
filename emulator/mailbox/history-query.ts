import type { gmail_v1 } from "@googleapis/gmail";
import type { HistoryRecord, HistoryType, Mailbox } from "../state/types";

/**
 * The oldest start id Gmail can still answer: history older than the retention period is gone, and so is
 * anything under the floor the control API raised. A start below it is a 404 and the client must full-sync.
 */
export function historyFloor(mailbox: Mailbox, now: number, retentionMs: number): number {
  let floor = mailbox.floor;
  for (const record of mailbox.records) {
    if (record.at <= now - retentionMs) floor = Math.max(floor, record.id);
  }
  return floor;
}

export interface HistoryQuery {
  startHistoryId: number;
  /** Exclusive: continue after this record (from a page token). */
  after: number;
  labelId: string | undefined;
  types: HistoryType[];
  maxResults: number;
}

function render(record: HistoryRecord, types: HistoryType[]): gmail_v1.Schema$History {
  const message = { id: record.messageId, threadId: record.threadId, labelIds: record.labelIds };
  const out: gmail_v1.Schema$History = {
    id: String(record.id),
    messages: [{ id: record.messageId, threadId: record.threadId }],
  };
  if (types.length > 0 && !types.includes(record.type)) return out;
  if (record.type === "messageAdded") out.messagesAdded = [{ message }];
  if (record.type === "messageDeleted") out.messagesDeleted = [{ message }];
  if (record.type === "labelAdded") out.labelsAdded = [{ message, labelIds: record.changedLabelIds }];
  if (record.type === "labelRemoved") out.labelsRemoved = [{ message, labelIds: record.changedLabelIds }];
  return out;
}

/** One page of history after the start id, oldest first; `next` is the last id returned when more remain. */
export function queryHistory(
  records: HistoryRecord[],
  query: HistoryQuery,
): { history: gmail_v1.Schema$History[]; next: number | null } {
  const matching = records.filter(
    (r) =>
      r.id > query.startHistoryId &&
      r.id > query.after &&
      (query.types.length === 0 || query.types.includes(r.type)) &&
      (!query.labelId || r.labelIds.includes(query.labelId) || r.changedLabelIds.includes(query.labelId)),
  );
  const page = matching.slice(0, query.maxResults);
  const more = matching.length > page.length;
  return { history: page.map((r) => render(r, query.types)), next: more ? page[page.length - 1]!.id : null };
}
