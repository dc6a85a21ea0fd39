import type { gmail_v1 } from "@googleapis/gmail";
import { z } from "zod";
import type { GmailClient } from "./client";

const HistoryPage = z.object({
  history: z.array(z.custom<gmail_v1.Schema$History>((v) => typeof v === "object" && v !== null)).optional(),
  nextPageToken: z.string().optional(),
  historyId: z.string().optional(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

/**
 * users.history.list (2 units), one page: additions, label changes (new mail moved into the Inbox, and
 * R26's read / unread / trash / restore) and deletions (R26, and a message gone before we fetch it costs nothing). A 404 (start id too old, history
 * ids live about a week) surfaces as a GmailError of kind `history_expired`.
 */
export function listHistoryPage(
  client: GmailClient,
  input: { startHistoryId: string; pageToken: string | null; maxResults: number },
): Promise<HistoryPage> {
  return client.request({
    method: "GET",
    path: "/gmail/v1/users/me/history",
    query: {
      startHistoryId: input.startHistoryId,
      historyTypes: ["messageAdded", "labelAdded", "labelRemoved", "messageDeleted"],
      maxResults: String(input.maxResults),
      pageToken: input.pageToken ?? undefined,
    },
    schema: HistoryPage,
    units: 2,
    call: "history_list",
  });
}
