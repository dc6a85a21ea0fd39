import type { gmail_v1 } from "@googleapis/gmail";

/**
 * R26: what history says about a message's Gmail state. Fields left undefined were not named by any
 * record (a label change of STARRED says nothing about UNREAD when the record lacks the message's labels).
 */
export interface StateChange {
  unread?: boolean;
  trashed?: boolean;
  deleted?: boolean;
}

export type GmailState = "present" | "trashed" | "deleted";

/** The labels that make up R26's state; a change of any other label leaves the state as it was. */
const STATE_LABELS = ["UNREAD", "TRASH"];

/**
 * One page of history (oldest record first) → the state each message ends in, the newest record winning
 * field by field. A record that carries the message's labels (Gmail sends them with labelsAdded /
 * labelsRemoved) gives the whole state; without them the changed labels say what moved. Pure.
 */
export function foldStateChanges(records: readonly gmail_v1.Schema$History[]): Map<string, StateChange> {
  const changes = new Map<string, StateChange>();
  const merge = (id: string, change: StateChange) => changes.set(id, { ...changes.get(id), ...change });
  for (const record of records) {
    for (const entry of record.labelsAdded ?? []) {
      const change = labelChange(entry, true);
      if (entry.message?.id && change) merge(entry.message.id, change);
    }
    for (const entry of record.labelsRemoved ?? []) {
      const change = labelChange(entry, false);
      if (entry.message?.id && change) merge(entry.message.id, change);
    }
    for (const entry of record.messagesDeleted ?? []) {
      if (entry.message?.id) merge(entry.message.id, { deleted: true });
    }
  }
  return changes;
}

function labelChange(entry: gmail_v1.Schema$HistoryLabelAdded, added: boolean): StateChange | null {
  const changed = entry.labelIds ?? [];
  if (!changed.some((l) => STATE_LABELS.includes(l))) return null;
  const labels = entry.message?.labelIds;
  if (Array.isArray(labels)) return stateOfLabels(labels);
  const change: StateChange = {};
  if (changed.includes("UNREAD")) change.unread = added;
  if (changed.includes("TRASH")) change.trashed = added;
  return change;
}

/** A message's whole state from its current labels (history records, messages.get, messages.modify). */
export function stateOfLabels(labelIds: readonly string[]): StateChange {
  return { unread: labelIds.includes("UNREAD"), trashed: labelIds.includes("TRASH") };
}

/** A stored row's state after a change: fields not named stay; deleted is final (Gmail never reuses an id). */
export function applyStateChange(
  row: { unread: boolean; gmailState: GmailState },
  change: StateChange,
): { unread: boolean; gmailState: GmailState } {
  const unread = change.unread ?? row.unread;
  if (row.gmailState === "deleted" || change.deleted === true) return { unread, gmailState: "deleted" };
  if (change.trashed === undefined) return { unread, gmailState: row.gmailState };
  return { unread, gmailState: change.trashed ? "trashed" : "present" };
}
